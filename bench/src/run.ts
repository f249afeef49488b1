import { Context, type RunOptions } from './harness.js';
import { machine, type Machine, prepareDatabase, waitForQuiet } from './infra.js';
import { baseline } from './scenarios/baseline.js';
import { batch } from './scenarios/batch.js';
import { console } from './scenarios/console.js';
import { drain } from './scenarios/drain.js';
import { endToEnd } from './scenarios/end-to-end.js';
import { idempotent } from './scenarios/idempotent.js';
import { ingest } from './scenarios/ingest.js';
import { latency } from './scenarios/latency.js';
import { memory } from './scenarios/memory.js';
import { peers } from './scenarios/peers.js';
import type { BenchSettings } from './settings.js';

export type { RunOptions } from './harness.js';

export const SCENARIOS = ['baseline', 'ingest', 'peers', 'batch', 'endToEnd', 'latency', 'drain', 'idempotent', 'memory', 'console'] as const;
export type ScenarioName = (typeof SCENARIOS)[number];

export interface BenchResults {
  suite: 'switchyard-bench';
  version: 1;
  mode: BenchSettings['mode'];
  startedAt: string;
  finishedAt: string;
  durationSeconds: number;
  machine: Machine;
  settings: BenchSettings;
  method: Record<string, string>;
  scenarios: Partial<Record<ScenarioName, Record<string, unknown>>>;
  ratios: Record<string, number | null>;
  targets: Array<{ id: string; target: string; measured: string; met: boolean | null }>;
}


type Runner = (ctx: Context, results: BenchResults) => Promise<Record<string, unknown>>;

const SCENARIO_RUNNERS: Record<ScenarioName, Runner> = { baseline, ingest, peers, batch, endToEnd, latency, drain, idempotent, memory, console };

/** Runs the selected scenarios in order and returns everything measured. */
export async function runBench(options: RunOptions): Promise<BenchResults> {
  const ctx = new Context(options);
  const startedAt = new Date();
  const redis = ctx.redis;
  await prepareDatabase(options.databaseUrl);
  const results: BenchResults = {
    suite: 'switchyard-bench',
    version: 1,
    mode: options.settings.mode,
    startedAt: startedAt.toISOString(),
    finishedAt: '',
    durationSeconds: 0,
    machine: await machine(redis, options.databaseUrl),
    settings: options.settings,
    method: METHOD,
    scenarios: {},
    ratios: {},
    targets: [],
  };
  const wanted = (name: ScenarioName) => !options.only || options.only.has(name);
  try {
    await ctx.cleanRedis();
    for (const name of SCENARIOS) {
      if (!wanted(name)) continue;
      const started = Date.now();
      const quiet = options.settings.quietSeconds > 0 ? await waitForQuiet(0.3, options.settings.quietSeconds * 1000) : { busyCores: Number.NaN };
      options.log(`── ${name}${quiet.busyCores >= 0.3 ? ` (the machine is busy with other work: ${quiet.busyCores} cores; results will suffer)` : ''}`);
      results.scenarios[name] = { machineBusyCoresBefore: quiet.busyCores, ...(await SCENARIO_RUNNERS[name](ctx, results)) };
      options.log(`   ${name} done in ${((Date.now() - started) / 1000).toFixed(0)} s`);
    }
  } finally {
    await ctx.close();
  }
  const finishedAt = new Date();
  results.finishedAt = finishedAt.toISOString();
  results.durationSeconds = Math.round((finishedAt.getTime() - startedAt.getTime()) / 1000);
  return results;
}


/** How each scenario measures, stored with the results. */
export const METHOD: Record<string, string> = {
  processes:
    'Load generator, API, worker and raw-BullMQ processes are separate Node processes (bench/dist/*.main.js); Redis and Postgres are the local servers; everything shares the machine. Queues use their own key prefix and the benchmark its own databases.',
  payload:
    'order.placed as in the README (two items, card payment), unique order id; single events carry a unique Idempotency-Key header, batch items a unique idempotencyKey. Jobs carry the whole event (~0.5 KB).',
  handlers:
    'order.placed fans out to three no-op handlers on three queues (bench-a/b/c), concurrency 20 each, no priority or rate limit. The example domain (examples/shop) is not used.',
  ingest:
    'API only (no worker). Closed-loop probe with autocannon; then a bisection over offered rates with an open-loop generator (undici, keep-alive). A rate is sustained when ≥ 97 % of requests are accepted at the offered rate with no error, p99 ≤ 500 ms, and the outbox (jobs with published_at NULL) holds < 0.5 s of jobs at the end. Latency at 50 % and 80 % of the highest sustained rate is from each request\'s send to its 202.',
  peers: [
    'What teams would use instead (issue 18), in the same run as ingest, with the same payload, load generator and connections. Peers: raw BullMQ, graphile-worker 0.17 and pg-boss 10 (exact versions in machine; the newest releases whose engines allow Node 20: graphile-worker 0.18 and pg-boss 11+ need Node ≥ 22), each an API process and a worker process (bench/src/peers/, the node flags of our processes).',
    'APIs: node:http, POST /v1/events, 202 after the work below, 400 for a body that is not a JSON object (no schema validation); the durable ones use a pg pool of 10, as our API. raw BullMQ: three Queue.add with our job options, concurrently, nothing durable and no idempotency: the upper bound of a Redis queue without Postgres. graphile-worker: one statement inserts the event into peers.graphile_events (Idempotency-Key unique, ON CONFLICT DO NOTHING) and, lateral to the inserted row (so a duplicate adds none), calls graphile_worker.add_jobs with three jobs (3 attempts). pg-boss: one transaction on one client: BEGIN, the same insert into peers.pg_boss_events, then for a new row boss.insert of the three jobs through the db option on that client, COMMIT (queues created with 3 attempts, exponential backoff). Every job carries the whole event (~0.5 KB), as ours. The peers\' events tables have a primary key and the unique key only; ours has seven more indexes.',
    'Ingest, per peer, API alone (no worker): warm-up, closed-loop probe (autocannon, probeConnections) with its cost, then the bisection of ingest with its criteria (≥ 97 % of the offered rate accepted, no failed request, p99 ≤ 500 ms) except the outbox one (a peer has no outbox: its jobs are stored or queued before the 202); the peer is emptied between steps.',
    'Latency, per peer: API and worker together, a warm-up, then each of peerLatencyRates for latencySeconds (open loop); every handler start records Date.now() − data.bench.sentAt and Date.now() − the event\'s acceptance (Postgres now() of the insert; the API\'s clock for raw BullMQ); the jobs get peerDrainSeconds to finish, and jobsStarted says how many did. Workers, concurrency 20 per queue, no-op handlers: raw BullMQ one Worker per queue; graphile-worker three runners in one process, one task each (a runner\'s concurrency is shared by its tasks), pool 10 each, LISTEN/NOTIFY, no batching; pg-boss 20 work() loops per queue, batchSize 1, polling every 0.5 s (the minimum), their starts spread over it: pg-boss 10 has no concurrency option and a loop sleeps out its interval even after a fetch found a job, so its workers start at most 40 jobs/s per queue.',
    'Postgres ceiling: pgbench (prepared statements, --time probeSeconds) at each of ceilingClients clients, one statement per transaction that inserts an event (~0.5 KB of data, uuidv7-like id, the key as source_event_id) and its three outbox rows into switchyard.events and switchyard.jobs with all their indexes; transactions/s = events/s; the tables are emptied before and after. Our ingest statement also claims the Idempotency-Key in switchyard.idempotency_keys, and a later one marks the jobs published: a run with the key row too is made at the most clients; the publish marks are left out of both.',
  ].join(' '),
  batch: 'API only. autocannon, closed loop, batches of 100 and 1,000 events; events/s counts rows stored in Postgres.',
  endToEnd:
    'API and one worker process. Same search as ingest, and a rate is also required to leave < 0.5 s of jobs waiting in Redis at the end of the step. At 50 % of the maximum, each handler records Date.now() − Date.parse(event.receivedAt) at its start (receivedAt is Postgres now() of the ingest statement, i.e. just before the commit; same host clock) and Date.now() − data.bench.sentAt (the load generator\'s send time).',
  baseline:
    'Raw BullMQ, same Redis, same payload, same job options (attempts 3, exponential backoff, removeOnComplete {count 1000, age 3600}, removeOnFail {count 10000, age 604800}), same three queues, one Worker per queue with concurrency 20 and a no-op processor. Queue.add with 32 adds in flight; addBulk with 2 calls in flight.',
  latency:
    'API and one worker, no-op handlers, the paced generator at each of settings.latencyRates (and at half the end-to-end maximum when endToEnd ran first), one run per rate after a warm-up, the queues drained between. Sent → handler start is the handler\'s clock minus data.bench.sentAt (the generator\'s send time; sub-millisecond clocks, one host). Its stages, per event or job, measured inside the processes by wrapping (not changing) the steps: receive = sent → EventStore.append called (HTTP, parsing, validation, the group commit\'s wait); store = the append statement with its commit; publish = OutboxPublisher.enqueue (addBulk to the three queues); pickup = BullMQ job.timestamp → job.processedOn (Redis add, the worker noticing, moving to active); runner = processedOn → handler start. Stage percentiles are each stage\'s own, so they do not add up to the total\'s.',
  drain:
    'Queues pre-filled (ours through the batch endpoint with no worker running; raw with addBulk), then a worker process starts; throughput is timed between 90 % and 10 % of the jobs left.',
  idempotent: 'As drain, one queue: a no-op handler vs a handler that inserts one row inside ctx.once() (processed key and row in one transaction).',
  memory:
    'API and worker at 50 % of the end-to-end maximum for the configured time; RSS from /proc and Redis used_memory sampled periodically. Flat: mean of the last tenth of samples ≤ 1.1 × the first tenth + 5 MB.',
  console:
    'A separate database seeded with SQL (generate_series): N events with 3 completed jobs each and N dead letters; indexes rebuilt, VACUUM ANALYZE. Sequential GETs on one keep-alive connection after a warm-up; p95 over the requests.',
};
