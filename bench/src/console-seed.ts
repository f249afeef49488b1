import type { Client } from 'pg';
import { truncateAll, withClient } from './infra.js';

/**
 * Stores `rows` events (each with the three jobs of order.placed's fan-out,
 * all completed) and `rows` dead letters straight in SQL with generate_series:
 * a million of each in minutes, where the API would take hours. The tables'
 * secondary indexes are dropped first and rebuilt after (as a bulk load
 * should be), then the tables are vacuumed and analysed. A marker table
 * records what was seeded, so a later run with the same size reuses it.
 *
 * Shapes: events newest first every 250 ms back in time, 70 % order.placed,
 * 20 % order.shipped, 10 % order.cancelled, 10,000 customers; dead letters
 * over 5 handlers on 3 queues, 8 error shapes per handler (40 fingerprints)
 * with ids and numbers in the messages, 90 % open, 5 % discarded, 5 % resolved.
 */
export async function seedConsoleData(url: string, rows: number, log: (line: string) => void): Promise<{ seeded: boolean; seconds: number }> {
  return withClient(url, async (client) => {
    await client.query('CREATE TABLE IF NOT EXISTS bench_seed (kind text PRIMARY KEY, rows integer NOT NULL, seeded_at timestamptz NOT NULL DEFAULT now())');
    const marker = await client.query<{ rows: number }>("SELECT rows FROM bench_seed WHERE kind = 'console'");
    const counts = await client.query<{ events: string; dead: string }>(
      'SELECT (SELECT count(*) FROM switchyard.events) AS events, (SELECT count(*) FROM switchyard.dead_letters) AS dead',
    );
    if (marker.rows[0]?.rows === rows && Number(counts.rows[0].events) === rows && Number(counts.rows[0].dead) === rows) {
      log(`console data: reusing ${rows.toLocaleString('en')} events and dead letters already seeded`);
      return { seeded: false, seconds: 0 };
    }
    const started = Date.now();
    log(`console data: seeding ${rows.toLocaleString('en')} events (+${(rows * 3).toLocaleString('en')} jobs) and ${rows.toLocaleString('en')} dead letters`);
    await truncateAll(client);
    await client.query("SET maintenance_work_mem = '512MB'");
    await client.query('SET synchronous_commit = off');
    // Rows are consistent by construction: skip the per-row foreign-key triggers (superuser only; harmless if refused).
    await client.query('SET session_replication_role = replica').catch(() => undefined);
    for (const table of ['events', 'jobs', 'dead_letters']) {
      await bulkLoad(client, table, () => client.query(INSERTS[table], [rows]), log);
    }
    await client.query('RESET session_replication_role').catch(() => undefined);
    await client.query("INSERT INTO bench_seed (kind, rows) VALUES ('console', $1) ON CONFLICT (kind) DO UPDATE SET rows = excluded.rows, seeded_at = now()", [rows]);
    log('console data: vacuum analyze');
    await client.query('VACUUM ANALYZE switchyard.events, switchyard.jobs, switchyard.dead_letters');
    const seconds = (Date.now() - started) / 1000;
    log(`console data: seeded in ${seconds.toFixed(0)} s`);
    return { seeded: true, seconds };
  });
}

/** Drops the table's secondary indexes, loads, and recreates them exactly as they were. */
async function bulkLoad(client: Client, table: string, load: () => Promise<unknown>, log: (line: string) => void): Promise<void> {
  const { rows: indexes } = await client.query<{ indexname: string; indexdef: string }>(
    `SELECT i.indexname, i.indexdef FROM pg_indexes i
     JOIN pg_class c ON c.relname = i.indexname
     LEFT JOIN pg_constraint k ON k.conindid = c.oid
     WHERE i.schemaname = 'switchyard' AND i.tablename = $1 AND k.oid IS NULL`,
    [table],
  );
  for (const index of indexes) await client.query(`DROP INDEX switchyard."${index.indexname}"`);
  let started = Date.now();
  await load();
  log(`console data: ${table} loaded in ${((Date.now() - started) / 1000).toFixed(1)} s; rebuilding ${indexes.length} indexes`);
  started = Date.now();
  for (const index of indexes) await client.query(index.indexdef);
  log(`console data: ${table} indexes rebuilt in ${((Date.now() - started) / 1000).toFixed(1)} s`);
}

const EVENT_TYPE = `CASE WHEN i % 10 < 7 THEN 'order.placed' WHEN i % 10 < 9 THEN 'order.shipped' ELSE 'order.cancelled' END`;
const EVENT_DATA = `jsonb_build_object(
  'orderId', 'ord_' || i,
  'customer', jsonb_build_object('id', 'cus_' || (i % 10000), 'email', 'customer' || (i % 10000) || '@example.com', 'name', 'Customer ' || (i % 10000)),
  'items', jsonb_build_array(
    jsonb_build_object('sku', 'SKU-' || (i % 500), 'quantity', 1 + i % 3, 'unitPrice', 1250),
    jsonb_build_object('sku', 'SKU-' || (i % 77), 'quantity', 1, 'unitPrice', 2000)),
  'total', 1250 * (1 + i % 3) + 2000,
  'currency', 'EUR',
  'payment', jsonb_build_object('method', 'card', 'token', 'tok_visa'))`;

const INSERTS: Record<string, string> = {
  events: `
    INSERT INTO switchyard.events (id, type, source, subject, format, data, received_at)
    SELECT md5('e' || i)::uuid, ${EVENT_TYPE}, 'urn:shop:checkout', 'ord_' || i, 'json', ${EVENT_DATA},
           now() - i * interval '250 milliseconds'
    FROM generate_series(1, $1::int) AS i`,
  jobs: `
    INSERT INTO switchyard.jobs (id, event_id, handler, queue, attempts, backoff, created_at, published_at, outcome, attempts_made, processed_at, finished_at)
    SELECT md5('e' || i)::uuid::text || '.' || h.handler, md5('e' || i)::uuid, h.handler, h.queue, 3,
           '{"type":"exponential","delay":1000,"jitter":0.5}'::jsonb, t, t, 'completed', 1, t, t + interval '3 milliseconds'
    FROM generate_series(1, $1::int) AS i
    CROSS JOIN LATERAL (SELECT now() - i * interval '250 milliseconds' AS t) AS at
    CROSS JOIN (VALUES ('inventory.reserve', 'inventory'), ('payment.charge', 'payment'), ('email.order-confirmation', 'email')) AS h(handler, queue)`,
  dead_letters: `
    WITH shaped AS (
      SELECT i, h.handler, h.queue, h.event_type, (i / 7) % 8 AS shape,
             md5('e' || i)::uuid AS event_id, now() - i * interval '300 milliseconds' AS failed_at
      FROM generate_series(1, $1::int) AS i
      JOIN (VALUES (0, 'inventory.reserve', 'inventory', 'order.placed'), (1, 'payment.charge', 'payment', 'order.placed'),
                   (2, 'email.order-confirmation', 'email', 'order.placed'), (3, 'inventory.release', 'inventory', 'order.cancelled'),
                   (4, 'email.shipping-notice', 'email', 'order.shipped')) AS h(k, handler, queue, event_type)
        ON h.k = i % 5
    )
    INSERT INTO switchyard.dead_letters (id, job_id, event_id, event_type, handler, queue, payload, error_name, error_message, fingerprint,
                              attempts_made, first_failed_at, last_failed_at, status, created_at, updated_at)
    SELECT md5('d' || i)::uuid, event_id::text || '.' || handler, event_id, event_type, handler, queue,
           jsonb_build_object('id', event_id, 'type', event_type, 'source', 'urn:shop:checkout', 'subject', 'ord_' || i,
                              'data', jsonb_build_object('orderId', 'ord_' || i, 'customer', jsonb_build_object('id', 'cus_' || (i % 10000)), 'total', 4500)),
           CASE WHEN shape < 4 THEN 'Error' ELSE 'NonRetryableError' END,
           CASE shape
             WHEN 0 THEN 'Gateway timeout after ' || (1000 + i % 997) || ' ms for ch_' || i
             WHEN 1 THEN 'Connection reset by peer (errno ' || (i % 131) || ')'
             WHEN 2 THEN 'Deadlock detected while updating row ' || i
             WHEN 3 THEN 'Upstream answered 503 for request req_' || i
             WHEN 4 THEN 'Card ' || i || ' declined for "cus_' || (i % 10000) || '"'
             WHEN 5 THEN 'Unknown SKU SKU-' || (i % 500) || ' in order ord_' || i
             WHEN 6 THEN 'Insufficient stock for SKU-' || (i % 77) || ': wanted ' || (1 + i % 3) || ', have 0'
             ELSE 'Mailbox cus_' || (i % 10000) || '@example.com rejected the message'
           END,
           left(md5(handler || E'\\n' || shape), 16),
           5, failed_at - interval '31 seconds', failed_at,
           CASE WHEN i % 20 = 0 THEN 'discarded' WHEN i % 20 = 1 THEN 'resolved' ELSE 'open' END,
           failed_at, failed_at
    FROM shaped`,
};
