// node bench/dist/explain.js [DATABASE_URL]
// EXPLAIN (ANALYZE, BUFFERS) of the console's SQL against the seeded console
// database (npm run bench -- --only console seeds it): the statements are
// copied from packages/server/src/foundation/repositories (dead-letters and events)
// with the parameters the console sends by default; keep them in step.
import { withClient } from './infra.js';

const GROUPS_SCAN = (condition: string) => `
    SELECT g.*, s.error_message AS sample
    FROM (
      SELECT d.fingerprint, d.handler, d.error_name, count(*)::int AS count,
             (count(*) FILTER (WHERE d.status = 'open'))::int AS open,
             min(d.first_failed_at) AS first_seen, max(d.last_failed_at) AS last_seen
      FROM switchyard.dead_letters d WHERE ${condition}
      GROUP BY d.fingerprint, d.handler, d.error_name
      ORDER BY last_seen DESC
      LIMIT 100
    ) g
    CROSS JOIN LATERAL (
      SELECT error_message FROM switchyard.dead_letters s
      WHERE s.fingerprint = g.fingerprint ORDER BY s.last_failed_at DESC LIMIT 1
    ) s
    ORDER BY g.last_seen DESC`;

const QUERIES: Record<string, string> = {
  // Unfiltered (and status=open) groups read the trigger-kept summary (dead_letter_groups).
  'GET /v1/dead-letters/groups (DeadLettersRepository.groupSummaries)': `
    SELECT fingerprint, handler, error_name, count, open, first_seen, last_seen, sample
    FROM switchyard.dead_letter_groups WHERE count > 0 ORDER BY last_seen DESC LIMIT 100`,
  // Any other filter still groups the matching rows (not timed by the suite).
  'GET /v1/dead-letters/groups?handler=payment.charge (DeadLettersRepository.groupsMatching)': GROUPS_SCAN(`TRUE AND d.handler = 'payment.charge'`),
  'GET /v1/dead-letters/stats (DeadLettersRepository.counts)': `SELECT status, n FROM switchyard.dead_letter_counts`,
  'GET /v1/dead-letters (DeadLettersRepository.list)': `
    SELECT d.id::text AS id, d.status, d.queue, d.handler, d.event_type, d.event_id::text AS event_id,
           d.job_id, d.error_name, d.error_message, d.fingerprint, d.attempts_made, d.redrives, d.first_failed_at, d.last_failed_at
    FROM switchyard.dead_letters d WHERE TRUE AND TRUE ORDER BY d.last_failed_at DESC, d.id DESC LIMIT 51`,
  'GET /v1/events (EventsRepository.search)': `
    SELECT e.id::text AS id, e.type, e.source, e.subject, e.received_at,
           (SELECT count(*)::int FROM switchyard.jobs j WHERE j.event_id = e.id) AS job_count
    FROM switchyard.events e WHERE TRUE ORDER BY e.received_at DESC, e.id DESC LIMIT 51`,
  'metrics gauge switchyard_dead_letters_open (ApiGauges)': `SELECT n FROM switchyard.dead_letter_counts WHERE status = 'open'`,
};

async function main(): Promise<void> {
  const url = process.argv[2] ?? 'postgresql://postgres@127.0.0.1:5432/switchyard_bench_console';
  await withClient(url, async (client) => {
    for (const [name, sql] of Object.entries(QUERIES)) {
      await client.query(`EXPLAIN ${sql}`); // plan cached, pages warm
      await client.query(sql);
      const { rows } = await client.query(`EXPLAIN (ANALYZE, BUFFERS) ${sql}`);
      console.log(`── ${name}\n${rows.map((row) => row['QUERY PLAN']).join('\n')}\n`);
    }
  });
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
