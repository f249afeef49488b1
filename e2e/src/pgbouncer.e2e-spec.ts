import type { AcceptedEvent, DeadLetterDetail, DeadLetterPage, OperationStatus, RetryAnswer, ScheduleSummary } from '@switchyard/core/contracts';
import { PgPool } from '@switchyard/server/internal';
import { freePort, get, needs, post, queryRows, runNode, type RunningProcess, testDatabaseUrl, ThrowawayPgBouncer, waitFor, waitForOutput } from '@switchyard/testing';
import { anOrder, orderPlacedEvent } from '@switchyard/example-shop';
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { resetWithCatalogue } from './support/database.js';
import { createApiKey, testEnv } from './support/stack.js';

const direct = testDatabaseUrl();
const database = new URL(direct).pathname.slice(1);
/** What breaks when session state leaks through a transaction-mode pooler. */
const SESSION_ERRORS = /prepared statement "[^"]*" (does not exist|already exists)|query_wait_timeout|unnamed portal|bind message supplies/i;

/**
 * Two API processes and a worker whose DATABASE_URL goes through PgBouncer in
 * transaction mode with two server connections: every transaction of every
 * process may land on either, so anything that relies on a session breaks.
 */
describe('behind PgBouncer in transaction mode (pool of 2)', needs('pgbouncer'), () => {
  let bouncer: ThrowawayPgBouncer;
  const processes: RunningProcess[] = [];
  const apis: string[] = [];
  let token = '';
  const auth = () => ({ authorization: `Bearer ${token}` });

  before(async () => {
    await resetWithCatalogue(direct);
    bouncer = await ThrowawayPgBouncer.start({ poolSize: 2 });
    token = await createApiKey('pgbouncer-admin', ['admin'], null, direct);
    const env = testEnv({ DATABASE_URL: bouncer.url(database), DATABASE_DIRECT_URL: direct, DATABASE_PREPARED_STATEMENTS: 'false', LOG_LEVEL: 'log' });
    for (let i = 0; i < 2; i++) {
      const port = await freePort();
      const api = runNode('examples/shop/dist/main/api.main.js', { ...env, PORT: String(port), WORKER_ID: `api-${i}` });
      processes.push(api);
      await waitForOutput(api, /Switchyard API listening/, `API ${i} listening`);
      apis.push(`http://127.0.0.1:${port}`);
    }
    const worker = runNode('examples/shop/dist/main/worker.main.js', { ...env, WORKER_ID: 'bounced-worker' });
    processes.push(worker);
    await waitForOutput(worker, /Switchyard worker .* ready/, 'the worker ready');
  });

  after(async () => {
    for (const proc of processes) {
      proc.child.kill('SIGTERM');
      await proc.exited;
    }
    await bouncer?.dispose();
  });

  it('migrates through DATABASE_DIRECT_URL, not through the pooler', async () => {
    // DATABASE_URL names a port nothing listens on: only the direct URL can work.
    const migrate = runNode('packages/server/dist/surfaces/cli/migrate.cli.js', { DATABASE_URL: `postgresql://postgres@127.0.0.1:${await freePort()}/${database}`, DATABASE_DIRECT_URL: direct });
    const { code } = await migrate.exited;
    assert.equal(code, 0, migrate.output());
  });

  it('ingests on both APIs and runs the whole order saga: fan-out, handlers, follow-up events, the email', async () => {
    const orders = Array.from({ length: 30 }, () => anOrder());
    const answers = await Promise.all(orders.map((order, i) => post<AcceptedEvent>(`${apis[i % 2]}/v1/events`, orderPlacedEvent(order), auth())));
    assert.deepEqual(answers.map((answer) => answer.status), orders.map(() => 202), JSON.stringify(answers.find((answer) => answer.status !== 202)?.body));
    await waitFor(
      'every order confirmed and emailed',
      async () => {
        const [{ n }] = await queryRows<{ n: number }>(direct, "SELECT count(*)::int AS n FROM emails WHERE template = 'order-confirmation' AND order_id = ANY($1)", [orders.map((order) => order.orderId)]);
        return n === orders.length;
      },
      { timeoutMs: 60_000, intervalMs: 200 },
    );
    // Outcomes are recorded in batches after the handler's own commit: wait for the last batch.
    await waitFor('every job recorded completed', async () => {
      const jobs = await queryRows<{ outcome: string | null; n: number }>(direct, 'SELECT outcome, count(*)::int AS n FROM jobs GROUP BY outcome');
      return jobs.length === 1 && jobs[0].outcome === 'completed';
    }, { timeoutMs: 15_000 });
    // The traffic went through the pooler: its transactions outnumber its two server connections many times over.
    const [stats] = (await bouncer.admin<{ database: string; total_xact_count: string }>('SHOW STATS')).filter((row) => row.database === database);
    assert.ok(Number(stats.total_xact_count) > 200, `transactions through pgbouncer: ${stats.total_xact_count}`);
    const servers = (await bouncer.admin<{ database: string }>('SHOW SERVERS')).filter((row) => row.database === database);
    assert.ok(servers.length <= 2, `server connections: ${servers.length}`);
  });

  it('dead-letters a failure, shows it on the other API, and retries it to resolved', async () => {
    const order = anOrder({ items: [{ sku: 'SKU-LAST-ONE', quantity: 3, unitPrice: 100 }] });
    const { body: accepted } = await post<AcceptedEvent>(`${apis[0]}/v1/events`, orderPlacedEvent(order), auth());
    const deadLetter = await waitFor('the reservation dead-lettered', async () => {
      const { status, body } = await get<DeadLetterPage>(`${apis[1]}/v1/dead-letters?handler=inventory.reserve`, auth());
      assert.equal(status, 200);
      return body.items.find((item) => item.eventId === accepted.eventId);
    }, { timeoutMs: 30_000 });
    await queryRows(direct, "UPDATE stock_items SET available = 10 WHERE sku = 'SKU-LAST-ONE'"); // the fix

    const retried = await post<RetryAnswer>(`${apis[1]}/v1/dead-letters/${deadLetter.id}/retry`, '', { ...auth(), 'X-Actor': 'alice' });
    assert.equal(retried.status, 202, JSON.stringify(retried.body));
    const resolved = await waitFor('the dead letter resolved', async () => {
      const { body } = await get<DeadLetterDetail>(`${apis[0]}/v1/dead-letters/${deadLetter.id}`, auth());
      return body.status === 'resolved' && body;
    }, { timeoutMs: 30_000 });
    assert.deepEqual(resolved.actions.map((action) => action.action), ['dead-lettered', 'retry', 'resolved']);
  });

  it('runs the background work through it too: the outbox relay, the scheduler, a leased bulk retry', async () => {
    // Rows nobody published (as after a crash between commit and enqueue): the relay's sweep transaction takes them.
    const unpublished = await queryRows<{ id: string }>(direct, 'UPDATE jobs SET published_at = NULL WHERE id IN (SELECT id FROM jobs ORDER BY id LIMIT 5) RETURNING id');
    await waitFor('the relay to mark them published again', async () => {
      const [{ n }] = await queryRows<{ n: number }>(direct, 'SELECT count(*)::int AS n FROM jobs WHERE id = ANY($1) AND published_at IS NULL', [unpublished.map((row) => row.id)]);
      return n === 0;
    }, { timeoutMs: 15_000 });

    const schedule = await post<ScheduleSummary>(`${apis[0]}/v1/schedules`, { name: 'bounced-tick', type: 'inventory.restock-check', data: { threshold: 1 }, intervalMs: 1_000 }, auth());
    assert.equal(schedule.status, 201, schedule.text);
    await waitFor('three ticks fired and handled', async () => {
      const rows = await queryRows<{ n: number }>(
        direct,
        `SELECT count(*)::int AS n FROM jobs j JOIN events e ON e.id = j.event_id
         WHERE e.type = 'inventory.restock-check' AND e.source LIKE '%bounced-tick%' AND j.outcome = 'completed'`,
      );
      return rows[0].n >= 3;
    }, { timeoutMs: 20_000, intervalMs: 250 });
    assert.equal((await post(`${apis[1]}/v1/schedules/bounced-tick/pause`, '', auth())).status, 200);

    const declined = await Promise.all(Array.from({ length: 3 }, () => post<AcceptedEvent>(`${apis[0]}/v1/events`, orderPlacedEvent(anOrder({ token: 'tok_declined' })), auth())));
    const eventIds = declined.map((answer) => answer.body.eventId);
    await waitFor('three payments dead-lettered', async () => {
      const rows = await queryRows(direct, "SELECT 1 FROM dead_letters WHERE handler = 'payment.charge' AND status = 'open' AND event_id = ANY($1)", [eventIds]);
      return rows.length === 3;
    }, { timeoutMs: 20_000 });
    const operation = await post<OperationStatus>(`${apis[1]}/v1/dead-letters/retry`, { filter: { handler: 'payment.charge', status: 'open' }, ratePerSecond: 50 }, auth());
    assert.equal(operation.status, 202, operation.text);
    const finished = await waitFor('the bulk retry completed', async () => {
      const { body } = await get<OperationStatus>(`${apis[0]}/v1/operations/${operation.body.id}`, auth());
      return body.status === 'completed' && body;
    }, { timeoutMs: 20_000 });
    assert.equal(finished.done, 3);
  });

  it('logs no error that session state would cause (lost prepared statements, pool waits)', () => {
    for (const proc of processes) assert.doesNotMatch(proc.output(), SESSION_ERRORS);
  });

  it('would break with named prepared statements, which is why DATABASE_PREPARED_STATEMENTS=false exists', async () => {
    // PgBouncer 1.21+ can keep them (max_prepared_statements); this shows why they must be off before it.
    const run = async (preparedStatements: boolean) => {
      const pool = new PgPool({ url: bouncer.url(database), poolSize: 8, preparedStatements });
      try {
        const calls = Array.from({ length: 16 }, (_, i) => pool.prepared<{ n: number }>('switchyard_probe', 'SELECT $1::int AS n', [i]));
        return await Promise.allSettled(calls);
      } finally {
        await pool.onApplicationShutdown();
      }
    };
    const named = await run(true);
    const errors = named.flatMap((result) => (result.status === 'rejected' ? [(result.reason as Error).message] : []));
    assert.ok(errors.length > 0, 'named statements failed through transaction pooling');
    for (const message of errors) assert.match(message, /prepared statement "switchyard_probe" (does not exist|already exists)/);
    const unnamed = await run(false);
    assert.deepEqual(unnamed.map((result) => result.status), unnamed.map(() => 'fulfilled'));
  });
});
