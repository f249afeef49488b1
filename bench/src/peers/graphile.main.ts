// graphile-worker, Postgres-durable jobs.
//   api     POST /v1/events → one statement: the event into peers.graphile_events
//           (Idempotency-Key unique) and, for a new row only, one job per task
//           through graphile_worker.add_jobs (sql.ts, GRAPHILE_INGEST_SQL)
//   worker  three runners in this process, one per task, concurrency 20 each
//           (a runner's concurrency is shared by all its tasks; one task per
//           runner gives each handler its own 20, as a BullMQ Worker per queue)
import { Logger, run, runMigrations } from 'graphile-worker';
import { Pool } from 'pg';
import { answerOverIpc, HandlerStarts } from '../handler-starts.js';
import { serveEvents } from './http.js';
import { type PeerSpec, type QueuedEvent, readSpec, readyUntilSignal, runMain } from './process.js';
import { GRAPHILE_EVENTS_TABLE_SQL, GRAPHILE_INGEST_SQL, GRAPHILE_SCHEMA } from './sql.js';

/** Warnings and errors only, as the Switchyard processes run (LOG_LEVEL=warn): no line per job. */
const logger = new Logger(() => (level, message) => {
  if (level === 'error' || level === 'warning') console.error(`[graphile-worker ${level}] ${message}`);
});

async function api(spec: PeerSpec): Promise<void> {
  await runMigrations({ connectionString: spec.databaseUrl, schema: GRAPHILE_SCHEMA, logger });
  // As many connections as Switchyard's API (DATABASE_POOL_SIZE defaults to 10).
  const pool = new Pool({ connectionString: spec.databaseUrl, max: 10 });
  await pool.query(GRAPHILE_EVENTS_TABLE_SQL);
  await serveEvents(
    async ({ event, idempotencyKey }) => {
      const { rows } = await pool.query<{ event_id: string }>({
        // Prepared once per connection, as Switchyard's append statement is.
        name: 'peer_graphile_ingest',
        text: GRAPHILE_INGEST_SQL,
        values: [idempotencyKey, event.type, event.source, event.subject ?? null, spec.queues, JSON.stringify(event.data ?? null)],
      });
      return rows.length ? { id: rows[0].event_id, jobs: rows.length } : { duplicate: true };
    },
    () => pool.end(),
  );
}

async function worker(spec: PeerSpec): Promise<void> {
  const starts = new HandlerStarts();
  answerOverIpc(starts);
  await runMigrations({ connectionString: spec.databaseUrl, schema: GRAPHILE_SCHEMA, logger });
  // Defaults otherwise: LISTEN/NOTIFY for new jobs, no local queue or batching,
  // and a pool of 10 per runner. graphile-worker warns that a pool smaller than
  // the concurrency may be slower, but a task holds no connection while it
  // runs (only fetching and completing a job do), and concurrency + 1 per
  // runner would hold 63 connections of a server that allows 100 by default.
  const runners = await Promise.all(
    spec.queues.map((task) =>
      run({
        connectionString: spec.databaseUrl,
        schema: GRAPHILE_SCHEMA,
        concurrency: spec.concurrency,
        noHandleSignals: true,
        logger,
        taskList: {
          [task]: async (payload) => {
            const { event } = payload as QueuedEvent;
            starts.record(Date.parse(event.receivedAt), event.data);
          },
        },
      }),
    ),
  );
  readyUntilSignal(() => Promise.all(runners.map((runner) => runner.stop())));
}

const spec = readSpec();
runMain(() => (spec.role === 'api' ? api(spec) : worker(spec)));
