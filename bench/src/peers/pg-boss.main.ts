// pg-boss, Postgres-durable jobs (10.x: the newest pg-boss that runs on Node 20).
//   api     POST /v1/events → one transaction on a client of our own pool: the
//           event into peers.pg_boss_events (Idempotency-Key unique) and, for a
//           new row only, the three jobs through boss.insert() with the `db`
//           option, whose executeSql runs on that client. insert() rather than
//           three send()s: one statement for the three jobs instead of three,
//           through the same documented `db` option (send() takes it too).
//   worker  20 work() calls per queue (pg-boss 10 has no concurrency option;
//           each work() is one polling loop fetching batchSize jobs)
import PgBoss from 'pg-boss';
import { Pool } from 'pg';
import { answerOverIpc, HandlerStarts } from '../handler-starts.js';
import { sleep } from '../processes.js';
import { serveEvents } from './http.js';
import { type PeerSpec, type QueuedEvent, readSpec, readyUntilSignal, runMain } from './process.js';
import { PG_BOSS_EVENT_SQL, PG_BOSS_EVENTS_TABLE_SQL, PG_BOSS_SCHEMA } from './sql.js';

/** As Switchyard's jobs: 3 attempts (2 retries), exponential backoff from 1 s. */
const QUEUE_OPTIONS = { policy: 'standard', retryLimit: 2, retryDelay: 1, retryBackoff: true } as const;

/** The queues exist before anything is sent (pg-boss ≥ 10 drops jobs of unknown queues); createQueue is idempotent. */
async function createQueues(boss: PgBoss, queues: string[]): Promise<void> {
  for (const name of queues) await boss.createQueue(name, { name, ...QUEUE_OPTIONS });
}

async function api(spec: PeerSpec): Promise<void> {
  // Installs the schema (migrate) and creates the queues; no maintenance or cron in the API.
  const boss = new PgBoss({ connectionString: spec.databaseUrl, schema: PG_BOSS_SCHEMA, max: 2, supervise: false, schedule: false });
  boss.on('error', (error) => console.error('pg-boss:', error));
  await boss.start();
  await createQueues(boss, spec.queues);
  // As many connections as Switchyard's API (DATABASE_POOL_SIZE defaults to 10).
  const pool = new Pool({ connectionString: spec.databaseUrl, max: 10 });
  await pool.query(PG_BOSS_EVENTS_TABLE_SQL);
  await serveEvents(
    async ({ event, idempotencyKey }) => {
      const client = await pool.connect();
      try {
        await client.query('BEGIN');
        const { rows } = await client.query<{ id: string; type: unknown; source: unknown; subject: unknown; data: unknown; received_at: Date }>({
          name: 'peer_pg_boss_event',
          text: PG_BOSS_EVENT_SQL,
          values: [idempotencyKey, event.type, event.source, event.subject ?? null, JSON.stringify(event.data ?? null)],
        });
        if (rows.length === 0) {
          await client.query('COMMIT');
          return { duplicate: true };
        }
        const stored = rows[0];
        const data: QueuedEvent = {
          event: { id: stored.id, type: stored.type, source: stored.source, subject: stored.subject, data: stored.data, receivedAt: stored.received_at.toISOString() },
        };
        const db = { executeSql: (text: string, values: unknown[]) => client.query(text, values) };
        await boss.insert(spec.queues.map((name) => ({ name, data })), { db });
        await client.query('COMMIT');
        return { id: stored.id };
      } catch (error) {
        await client.query('ROLLBACK').catch(() => undefined);
        throw error;
      } finally {
        client.release();
      }
    },
    async () => {
      await pool.end();
      await boss.stop({ graceful: false, wait: true, timeout: 1000 });
    },
  );
}

async function worker(spec: PeerSpec): Promise<void> {
  const starts = new HandlerStarts();
  answerOverIpc(starts);
  // Defaults otherwise (maintenance on, a pool of 10).
  const boss = new PgBoss({ connectionString: spec.databaseUrl, schema: PG_BOSS_SCHEMA });
  boss.on('error', (error) => console.error('pg-boss:', error));
  await boss.start();
  await createQueues(boss, spec.queues);
  // pg-boss 10's work() loop fetches, runs the batch, then sleeps out the rest
  // of its polling interval (0.5 s at least) whatever it found: a loop runs at
  // most batchSize jobs per interval. Concurrency 20 per queue is therefore 20
  // loops of one job each, at the shortest interval; their starts are spread
  // over the interval so that some loop polls every 25 ms rather than all 20
  // at once every 500 ms. (One loop with batchSize 20 has the same ceiling,
  // 40 jobs/s per queue, and a new job would wait up to 0.5 s.)
  const pollingIntervalSeconds = 0.5;
  await Promise.all(
    spec.queues.map(async (name) => {
      for (let i = 0; i < spec.concurrency; i++) {
        await boss.work<QueuedEvent>(name, { batchSize: 1, pollingIntervalSeconds }, async ([job]) => {
          starts.record(Date.parse(job.data.event.receivedAt), job.data.event.data);
        });
        await sleep((pollingIntervalSeconds * 1000) / spec.concurrency);
      }
    }),
  );
  readyUntilSignal(() => boss.stop({ graceful: true, wait: true, timeout: 5000 }));
}

const spec = readSpec();
runMain(() => (spec.role === 'api' ? api(spec) : worker(spec)));
