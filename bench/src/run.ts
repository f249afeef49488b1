import type { Redis } from 'ioredis';
import { FANOUT_QUEUES, GUARDED_QUEUE, SINGLE_QUEUE } from './catalog.js';
import { seedConsoleData } from './console-seed.js';
import {
  backlog,
  commandDelta,
  commandStats,
  cpuSnapshot,
  deleteKeys,
  diff,
  type Machine,
  machine,
  pgCounters,
  prepareDatabase,
  redisClient,
  redisInfo,
  truncateAll,
  waitForQuiet,
  withClient,
} from './infra.js';
import { orderEvent } from './payload.js';
import { runToResult, rssMb, sleep, type Started, startProcess } from './processes.js';
import type { BenchSettings } from './settings.js';
import type { LatencySummary } from './stats.js';
import { round } from './stats.js';

export interface RunOptions {
  settings: BenchSettings;
  databaseUrl: string;
  consoleDatabaseUrl: string;
  redisUrl: string;
  /** Key prefix of Switchyard's queues in this run; raw BullMQ uses `<prefix minus }>-raw}`. */
  prefix: string;
  /** Scenarios to run (default: all). */
  only: Set<ScenarioName> | null;
  /** Write V8 CPU profiles of the api and worker processes here (slows them down a little). */
  profileDir: string | null;
  log: (line: string) => void;
}

export const SCENARIOS = ['baseline', 'ingest', 'batch', 'endToEnd', 'drain', 'idempotent', 'memory', 'console'] as const;
export type ScenarioName = (typeof SCENARIOS)[number];

export interface LoadResult {
  tool: string;
  seconds: number;
  requests: number;
  ok: number;
  okPerSec: number;
  offeredPerSec?: number;
  dropped?: number;
  errors: number;
  non2xx?: number;
  timeouts?: number;
  statusCodes: Record<string, unknown>;
  latencyMs: Partial<LatencySummary>;
  correctedLatencyMs?: LatencySummary;
  cpuSeconds?: number;
}

interface WorkerLatency {
  started: number;
  fromAccepted: LatencySummary;
  fromSent: LatencySummary;
}

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

const RAW_SUFFIX = '-raw';

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

/** Shared plumbing: processes, Redis, the environment every Switchyard process gets. */
class Context {
  readonly redis: Redis;
  readonly settings: BenchSettings;
  readonly rawPrefix: string;
  private readonly running = new Set<Started>();
  private workers = 0;

  constructor(readonly options: RunOptions) {
    this.redis = redisClient(options.redisUrl);
    this.settings = options.settings;
    this.rawPrefix = options.prefix.replace(/}$/, `${RAW_SUFFIX}}`);
  }

  log(line: string): void {
    this.options.log(line);
  }

  env(databaseUrl = this.options.databaseUrl): Record<string, string> {
    return {
      DATABASE_URL: databaseUrl,
      REDIS_URL: this.options.redisUrl,
      QUEUE_PREFIX: this.options.prefix,
      HOST: '127.0.0.1',
      PORT: '0',
      METRICS_HOST: '127.0.0.1',
      METRICS_PORT: '0',
      LOG_LEVEL: 'warn',
      // The benchmark measures the pipeline; it runs without API keys (one
      // cached check per request; see docs/security.md).
      AUTH_MODE: 'off',
    };
  }

  private nodeFlags(name: string): string[] {
    // As the start scripts, the compose file and the image run the services.
    const production = ['--max-old-space-size=128'];
    if (!this.options.profileDir) return production;
    return [...production, '--cpu-prof', `--cpu-prof-dir=${this.options.profileDir}`, `--cpu-prof-name=${name}-${Date.now()}.cpuprofile`];
  }

  async startApi(label: string, databaseUrl?: string): Promise<Started & { url: string; origin: string }> {
    const api = await startProcess(`api (${label})`, 'api.main.js', {
      env: { ...this.env(databaseUrl), BENCH_HANDLERS: 'fanout,single,guarded' },
      nodeFlags: this.nodeFlags(`api-${label}`),
    });
    this.running.add(api);
    const origin = `http://127.0.0.1:${api.ready.port}`;
    return Object.assign(api, { origin, url: `${origin}/v1/events` });
  }

  async startWorker(label: string, sets: string): Promise<Started> {
    const worker = await startProcess(`worker (${label})`, 'worker.main.js', {
      env: { ...this.env(), BENCH_HANDLERS: sets, WORKER_ID: `bench-worker-${++this.workers}` },
      nodeFlags: this.nodeFlags(`worker-${label}`),
    });
    this.running.add(worker);
    return worker;
  }

  async stop(process: Started | null | undefined): Promise<void> {
    if (!process) return;
    await process.stop();
    this.running.delete(process);
  }

  /** Closed loop (autocannon): `connections` requests always outstanding. */
  closed(url: string, spec: { kind?: 'single' | 'batch'; batchSize?: number; connections: number; seconds: number; keys?: boolean }): Promise<LoadResult> {
    return runToResult<LoadResult>('load.main.js', { mode: 'closed', url, kind: 'single', keys: true, ...spec });
  }

  /** Open loop at a fixed rate (events per second for single events). */
  paced(url: string, rate: number, seconds: number, keys = true): Promise<LoadResult> {
    return runToResult<LoadResult>('load.main.js', {
      mode: 'paced',
      url,
      kind: 'single',
      keys,
      rate: Math.max(1, Math.round(rate)),
      seconds,
      connections: this.settings.pacedConnections,
    });
  }

  async cleanRedis(): Promise<void> {
    await deleteKeys(this.redis, this.options.prefix);
    await deleteKeys(this.redis, this.rawPrefix);
  }

  /** Empties the tables between steps; the routes the scenario's API serves stay. */
  async truncate(): Promise<void> {
    await withClient(this.options.databaseUrl, (client) => truncateAll(client, { keepRegistry: true }));
  }

  async count(sql: string): Promise<number> {
    return withClient(this.options.databaseUrl, async (client) => Number((await client.query(sql)).rows[0].n));
  }

  /** Waits until `queues` (under `prefix`) hold no unfinished job; returns false on timeout. */
  async waitForDrain(queues: string[], timeoutMs = 120_000, prefix = this.options.prefix): Promise<boolean> {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      if ((await backlog(this.redis, prefix, queues)) === 0) return true;
      await sleep(100);
    }
    return false;
  }

  /** Stores `events` events of `type` through the batch endpoint (1,000 a call), with no worker running. */
  async fill(origin: string, type: 'order.placed' | 'bench.noop' | 'bench.guarded', events: number): Promise<void> {
    for (let done = 0; done < events; ) {
      const size = Math.min(1000, events - done);
      const body = Array.from({ length: size }, (_, i) =>
        type === 'order.placed' ? orderEvent(`fill-${done + i}`) : { type, source: 'urn:bench:fill', data: { n: done + i } },
      );
      const response = await fetch(`${origin}/v1/events/batch`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
      const answer = (await response.json()) as { accepted?: number };
      if (response.status !== 207 || answer.accepted !== size) throw new Error(`fill: batch answered ${response.status} ${JSON.stringify(answer).slice(0, 500)}`);
      done += size;
    }
  }

  /**
   * Starts a worker on pre-filled queues and times the drain between 90 %
   * and 10 % of the jobs left (leaving out start-up and the tail).
   */
  async measureDrain(queues: string[], total: number, start: () => Promise<Started>, prefix = this.options.prefix) {
    const before = await backlog(this.redis, prefix, queues);
    if (before < total * 0.99) throw new Error(`drain: expected ${total} jobs waiting, found ${before}`);
    const redisPid = Number((await redisInfo(this.redis, 'server')).process_id);
    const commandsBefore = await commandStats(this.redis);
    const worker = await start();
    const cpuBefore = await cpuSnapshot({ worker: worker.pid, redis: redisPid });
    const began = performance.now();
    let t90: number | null = null;
    let t10: number | null = null;
    let remaining = before;
    while (performance.now() - began < 600_000) {
      remaining = await backlog(this.redis, prefix, queues);
      const now = performance.now();
      if (t90 === null && remaining <= 0.9 * total) t90 = now;
      if (t10 === null && remaining <= 0.1 * total) t10 = now;
      if (remaining === 0) break;
      await sleep(25);
    }
    const seconds = (performance.now() - began) / 1000;
    const cpu = diff(await cpuSnapshot({ worker: worker.pid, redis: redisPid }), cpuBefore);
    const commands = commandDelta(await commandStats(this.redis), commandsBefore, total);
    await this.stop(worker);
    const window = t90 !== null && t10 !== null && t10 > t90 ? (t10 - t90) / 1000 : seconds;
    const jobsPerSec = t90 !== null && t10 !== null && t10 > t90 ? (0.8 * total) / window : total / seconds;
    return {
      jobs: total,
      jobsPerSec: round(jobsPerSec),
      drainSeconds: round(seconds),
      measuredSeconds: round(window),
      machineBusyCores: round(cpu.machine / seconds),
      cpuSecondsPerJob: {
        worker: round((cpu.worker / total) * 1e6) / 1e6,
        redis: round((cpu.redis / total) * 1e6) / 1e6,
        postgres: round((cpu.postgres / total) * 1e6) / 1e6,
      },
      redisCommandsPerJob: commands,
    };
  }

  async close(): Promise<void> {
    for (const process of this.running) await process.stop().catch(() => undefined);
    this.running.clear();
    await this.cleanRedis().catch(() => undefined);
    this.redis.disconnect();
  }
}

type Runner = (ctx: Context, results: BenchResults) => Promise<Record<string, unknown>>;

/** One step of a rate search: whether the system sustained `rate` for a step. */
interface Step {
  rate: number;
  pass: boolean;
  okPerSec: number;
  p50: number;
  p99: number;
  backlog: number;
  why: string;
}

/**
 * Bisection over offered rates: each step runs the open-loop generator at the
 * rate and asks `step` whether it was sustained. Starts at 0.9 × the closed-loop
 * probe, climbs by 15 % while every step passes, then bisects between the
 * highest pass and the lowest failure; returns the highest sustained rate and every step.
 */
async function searchMaxRate(ctx: Context, probe: number, step: (rate: number) => Promise<Step>): Promise<{ max: number; steps: Step[] }> {
  let lo = 0;
  let hi = probe * 1.1;
  let failed = false;
  let rate = probe * 0.9;
  const steps: Step[] = [];
  for (let i = 0; i < ctx.settings.searchSteps + 3; i++) {
    const result = await step(Math.round(rate));
    steps.push(result);
    ctx.log(
      `   ${result.rate}/s: ${result.pass ? 'sustained' : 'not sustained'} (${round(result.okPerSec)}/s ok, p50 ${round(result.p50)} ms, p99 ${round(result.p99)} ms, backlog ${result.backlog}${result.why ? `; ${result.why}` : ''})`,
    );
    if (result.pass) lo = rate;
    else {
      hi = rate;
      failed = true;
    }
    // The planned steps are done once something passed and something failed; extra steps only bracket the maximum.
    if (i + 1 >= ctx.settings.searchSteps && lo > 0 && failed) break;
    // Nothing failed yet: the probe underestimated, look higher.
    rate = !failed ? Math.max(lo, rate) * 1.15 : lo > 0 ? (lo + hi) / 2 : hi * 0.7;
  }
  return { max: Math.round(lo), steps };
}

function judgeLoad(rate: number, load: LoadResult): string[] {
  const why: string[] = [];
  if (load.okPerSec < rate * 0.97) why.push(`accepted ${round(load.okPerSec)}/s < 97 % of offered`);
  if ((load.dropped ?? 0) > 0) why.push(`${load.dropped} requests not sent (too many outstanding)`);
  if (load.errors > 0 || load.ok < load.requests - (load.dropped ?? 0)) why.push(`${load.requests - load.ok} failed requests`);
  if ((load.latencyMs.p99 ?? 0) > 500) why.push('p99 above 500 ms (requests queueing)');
  return why;
}

function loadSummary(load: LoadResult) {
  return {
    offeredPerSec: load.offeredPerSec ?? null,
    acceptedPerSec: round(load.okPerSec),
    requests: load.requests,
    ok: load.ok,
    failed: load.requests - load.ok,
    statusCodes: load.statusCodes,
    latencyMs: load.latencyMs,
    ...(load.correctedLatencyMs ? { latencyFromScheduleMs: load.correctedLatencyMs } : {}),
  };
}

/** CPU seconds per event of each process, Redis commands and Postgres work per event, over `work`. */
async function profiled<T>(ctx: Context, pids: Record<string, number>, work: () => Promise<T>, events: (result: T) => number) {
  const redisPid = Number((await redisInfo(ctx.redis, 'server')).process_id);
  const cpuBefore = await cpuSnapshot({ ...pids, redis: redisPid });
  const commandsBefore = await commandStats(ctx.redis);
  const pgBefore = await pgCounters(ctx.options.databaseUrl);
  const started = performance.now();
  const result = await work();
  const seconds = (performance.now() - started) / 1000;
  const cpu = diff(await cpuSnapshot({ ...pids, redis: redisPid }), cpuBefore);
  cpu.loadGenerator = (result as { cpuSeconds?: number }).cpuSeconds ?? 0;
  // Whatever else ran on the machine meanwhile (should be ~0; see waitForQuiet).
  cpu.other = Math.max(0, cpu.machine - Object.entries(cpu).reduce((sum, [name, value]) => (name === 'machine' ? sum : sum + value), 0));
  const pg = diff(await pgCounters(ctx.options.databaseUrl), pgBefore);
  const n = Math.max(1, events(result));
  return {
    result,
    cost: {
      events: n,
      cpuCoresUsed: Object.fromEntries(Object.entries(cpu).map(([name, value]) => [name, round(value / seconds)])),
      cpuMsPerEvent: Object.fromEntries(Object.entries(cpu).map(([name, value]) => [name, round((value * 1000) / n)])),
      postgresPerEvent: Object.fromEntries(Object.entries(pg).map(([name, value]) => [name, round(value / n)])),
      redisCommandsPerEvent: commandDelta(await commandStats(ctx.redis), commandsBefore, n),
    },
  };
}

const SCENARIO_RUNNERS: Record<ScenarioName, Runner> = {
  /** Raw BullMQ: Queue.add, addBulk(100), addBulk(1000), and a worker draining pre-filled queues. */
  async baseline(ctx) {
    const s = ctx.settings;
    const common = { redisUrl: ctx.options.redisUrl, prefix: ctx.rawPrefix, queues: FANOUT_QUEUES };
    const produce = async (spec: Record<string, unknown>) => {
      await deleteKeys(ctx.redis, ctx.rawPrefix);
      const result = await runToResult<{ added: number; seconds: number; jobsPerSec: number }>('bullmq.main.js', { ...common, ...spec });
      await deleteKeys(ctx.redis, ctx.rawPrefix);
      return { jobsPerSec: round(result.jobsPerSec), jobs: result.added, seconds: round(result.seconds) };
    };
    await produce({ mode: 'add', seconds: s.warmupSeconds, inFlight: s.addInFlight });
    const add = await produce({ mode: 'add', seconds: s.addSeconds, inFlight: s.addInFlight });
    ctx.log(`   Queue.add: ${add.jobsPerSec} jobs/s (${s.addInFlight} in flight)`);
    const addBulk: Record<string, unknown> = {};
    for (const size of s.batchSizes) {
      addBulk[size] = await produce({ mode: 'addBulk', bulk: size, seconds: s.addSeconds, inFlight: s.batchConnections });
      ctx.log(`   Queue.addBulk(${size}): ${(addBulk[size] as { jobsPerSec: number }).jobsPerSec} jobs/s`);
    }
    await runToResult('bullmq.main.js', { ...common, mode: 'fill', total: s.drainJobs });
    const worker = await ctx.measureDrain(
      FANOUT_QUEUES,
      s.drainJobs,
      () =>
        startProcess('raw BullMQ worker', 'bullmq.main.js', {
          env: {},
          args: [JSON.stringify({ ...common, mode: 'worker', concurrency: s.workerConcurrency })],
        }),
      ctx.rawPrefix,
    );
    ctx.log(`   Worker (3 queues × ${s.workerConcurrency}): ${worker.jobsPerSec} jobs/s`);
    await deleteKeys(ctx.redis, ctx.rawPrefix);
    return { queueAdd: { ...add, inFlight: s.addInFlight }, addBulk, worker: { ...worker, queues: FANOUT_QUEUES.length, concurrency: s.workerConcurrency } };
  },

  /** POST /v1/events, order.placed, three-way fan-out, no workers. */
  async ingest(ctx) {
    const s = ctx.settings;
    const api = await ctx.startApi('ingest');
    const reset = async () => {
      await ctx.cleanRedis();
      await ctx.truncate();
    };
    try {
      await ctx.closed(api.url, { connections: s.probeConnections, seconds: s.warmupSeconds });
      await reset();
      const probe = await profiled(ctx, { api: api.pid }, () => ctx.closed(api.url, { connections: s.probeConnections, seconds: s.probeSeconds }), (r) => r.ok);
      const stored = await ctx.count('SELECT count(*) AS n FROM switchyard.events');
      const jobs = await ctx.count('SELECT count(*) AS n FROM switchyard.jobs');
      const queued = await backlog(ctx.redis, ctx.options.prefix, FANOUT_QUEUES);
      ctx.log(`   closed loop, ${s.probeConnections} connections: ${round(probe.result.okPerSec)} events/s (p50 ${probe.result.latencyMs.p50} ms, p99 ${probe.result.latencyMs.p99} ms)`);
      await reset();
      const noKeys = await ctx.closed(api.url, { connections: s.probeConnections, seconds: s.probeSeconds, keys: false });
      ctx.log(`   closed loop without Idempotency-Key: ${round(noKeys.okPerSec)} events/s`);
      await reset();
      const search = await searchMaxRate(ctx, probe.result.okPerSec, async (rate) => {
        const load = await ctx.paced(api.url, rate, s.stepSeconds);
        const outbox = await ctx.count('SELECT count(*) AS n FROM switchyard.jobs WHERE published_at IS NULL');
        const why = judgeLoad(rate, load);
        if (outbox > rate * 3 * 0.5) why.push(`${outbox} outbox rows unpublished`);
        await reset();
        return { rate, pass: why.length === 0, okPerSec: load.okPerSec, p50: load.latencyMs.p50 ?? NaN, p99: load.latencyMs.p99 ?? NaN, backlog: outbox, why: why.join('; ') };
      });
      const at = async (share: number) => {
        const load = await ctx.paced(api.url, Math.max(1, search.max * share), s.latencySeconds);
        await reset();
        ctx.log(`   at ${share * 100} % (${Math.round(search.max * share)}/s): p50 ${load.latencyMs.p50} ms, p99 ${load.latencyMs.p99} ms`);
        return loadSummary(load);
      };
      return {
        maxSustainedEventsPerSec: search.max,
        maxSustainedJobsPerSec: search.max * 3,
        closedLoop: { connections: s.probeConnections, ...loadSummary(probe.result), eventsStored: stored, jobsStored: jobs, jobsQueued: queued, cost: probe.cost },
        closedLoopWithoutIdempotencyKey: { connections: s.probeConnections, ...loadSummary(noKeys) },
        search: search.steps,
        at50: await at(0.5),
        at80: await at(0.8),
      };
    } finally {
      await ctx.stop(api);
      await ctx.cleanRedis();
    }
  },

  /** POST /v1/events/batch with 100 and 1,000 events a call, closed loop. */
  async batch(ctx) {
    const s = ctx.settings;
    const api = await ctx.startApi('batch');
    const out: Record<string, unknown> = {};
    try {
      for (const size of s.batchSizes) {
        await ctx.closed(`${api.url}/batch`, { kind: 'batch', batchSize: size, connections: s.batchConnections, seconds: s.warmupSeconds });
        await ctx.cleanRedis();
        await ctx.truncate();
        const run = await profiled(
          ctx,
          { api: api.pid },
          () => ctx.closed(`${api.url}/batch`, { kind: 'batch', batchSize: size, connections: s.batchConnections, seconds: s.batchSeconds }),
          (r) => r.ok * size,
        );
        const stored = await ctx.count('SELECT count(*) AS n FROM switchyard.events');
        const eventsPerSec = stored / run.result.seconds;
        ctx.log(`   ${size} per call: ${round(eventsPerSec)} events/s (${round(run.result.okPerSec)} calls/s, p50 ${run.result.latencyMs.p50} ms, p99 ${run.result.latencyMs.p99} ms)`);
        out[size] = {
          eventsPerSec: round(eventsPerSec),
          jobsPerSec: round(eventsPerSec * 3),
          callsPerSec: round(run.result.okPerSec),
          eventsStored: stored,
          connections: s.batchConnections,
          ...loadSummary(run.result),
          cost: run.cost,
        };
        await ctx.cleanRedis();
        await ctx.truncate();
      }
      return out;
    } finally {
      await ctx.stop(api);
    }
  },

  /** API and a worker with no-op handlers: the highest rate both keep up with, and accepted → handler start. */
  async endToEnd(ctx) {
    const s = ctx.settings;
    await ctx.truncate();
    const api = await ctx.startApi('e2e');
    const worker = await ctx.startWorker('e2e', 'fanout');
    try {
      await ctx.closed(api.url, { connections: s.probeConnections, seconds: s.warmupSeconds });
      await ctx.waitForDrain(FANOUT_QUEUES);
      const startedBefore = (await worker.ask<WorkerLatency>({ type: 'latency' })).started;
      const probe = await profiled(
        ctx,
        { api: api.pid, worker: worker.pid },
        () => ctx.closed(api.url, { connections: s.probeConnections, seconds: s.probeSeconds }),
        (r) => r.ok,
      );
      const completedInProbe = (await worker.ask<WorkerLatency>({ type: 'latency' })).started - startedBefore;
      const probeBacklog = await backlog(ctx.redis, ctx.options.prefix, FANOUT_QUEUES);
      ctx.log(
        `   closed loop: ${round(probe.result.okPerSec)} events/s accepted, ${round(completedInProbe / probe.result.seconds)} jobs/s started, backlog ${probeBacklog} at the end`,
      );
      await ctx.waitForDrain(FANOUT_QUEUES, 300_000);
      const search = await searchMaxRate(ctx, probe.result.okPerSec, async (rate) => {
        const before = (await worker.ask<WorkerLatency>({ type: 'latency' })).started;
        const load = await ctx.paced(api.url, rate, s.stepSeconds);
        const left = await backlog(ctx.redis, ctx.options.prefix, FANOUT_QUEUES);
        const done = (await worker.ask<WorkerLatency>({ type: 'latency' })).started - before;
        const why = judgeLoad(rate, load);
        if (left > Math.max(200, rate * 3 * 0.5)) why.push(`${left} jobs waiting at the end (workers fell behind)`);
        await ctx.waitForDrain(FANOUT_QUEUES, 300_000);
        return { rate, pass: why.length === 0, okPerSec: load.okPerSec, p50: load.latencyMs.p50 ?? NaN, p99: load.latencyMs.p99 ?? NaN, backlog: left, why: why.join('; ') || `${done} jobs started` };
      });
      const rate = Math.max(1, search.max * 0.5);
      await worker.ask({ type: 'reset' });
      const before = (await worker.ask<WorkerLatency>({ type: 'latency' })).started;
      const half = await profiled(ctx, { api: api.pid, worker: worker.pid }, () => ctx.paced(api.url, rate, s.latencySeconds), (r) => r.ok);
      await ctx.waitForDrain(FANOUT_QUEUES, 300_000);
      const latency = await worker.ask<WorkerLatency>({ type: 'latency' });
      const completed = latency.started - before;
      ctx.log(
        `   at 50 % (${Math.round(rate)}/s): accepted → handler start p50 ${latency.fromAccepted.p50} ms, p95 ${latency.fromAccepted.p95} ms, p99 ${latency.fromAccepted.p99} ms`,
      );
      return {
        maxSustainedEventsPerSec: search.max,
        maxSustainedJobsPerSec: search.max * 3,
        closedLoop: {
          connections: s.probeConnections,
          ...loadSummary(probe.result),
          jobsStartedPerSec: round(completedInProbe / probe.result.seconds),
          backlogAtEnd: probeBacklog,
          cost: probe.cost,
        },
        search: search.steps,
        at50: {
          ratePerSec: Math.round(rate),
          ingest: loadSummary(half.result),
          jobsCompleted: completed,
          acceptedToHandlerStartMs: latency.fromAccepted,
          sentToHandlerStartMs: latency.fromSent,
          cost: half.cost,
        },
      };
    } finally {
      await ctx.stop(worker);
      await ctx.stop(api);
      await ctx.cleanRedis();
    }
  },

  /** Our worker draining pre-filled fan-out queues (no-op handlers), as the raw BullMQ worker does. */
  async drain(ctx) {
    const s = ctx.settings;
    await ctx.truncate();
    await ctx.cleanRedis();
    const api = await ctx.startApi('drain');
    try {
      await ctx.fill(api.origin, 'order.placed', s.drainEvents);
      const result = await ctx.measureDrain(FANOUT_QUEUES, s.drainEvents * 3, () => ctx.startWorker('drain', 'fanout'));
      ctx.log(`   worker (3 queues × ${s.workerConcurrency}): ${result.jobsPerSec} jobs/s`);
      return { ...result, queues: FANOUT_QUEUES.length, concurrency: s.workerConcurrency };
    } finally {
      await ctx.stop(api);
      await ctx.cleanRedis();
    }
  },

  /** One queue, one handler: no-op vs one row written through ctx.once(). */
  async idempotent(ctx) {
    const s = ctx.settings;
    await ctx.truncate();
    await ctx.cleanRedis();
    const api = await ctx.startApi('idempotent');
    // A quarter of the fan-out drain's events: one job each, and the guarded handler is the slow one.
    const jobs = Math.max(20, Math.round(s.drainEvents / 4));
    try {
      await ctx.fill(api.origin, 'bench.noop', jobs);
      const noop = await ctx.measureDrain([SINGLE_QUEUE], jobs, () => ctx.startWorker('noop', 'single'));
      ctx.log(`   no-op handler: ${noop.jobsPerSec} jobs/s`);
      await ctx.fill(api.origin, 'bench.guarded', jobs);
      const guarded = await ctx.measureDrain([GUARDED_QUEUE], jobs, () => ctx.startWorker('guarded', 'guarded'));
      const rows = await ctx.count('SELECT count(*) AS n FROM bench_effects');
      const keys = await ctx.count("SELECT count(*) AS n FROM switchyard.processed_keys WHERE handler = 'bench.guarded'");
      ctx.log(`   guarded handler (one row via ctx.once): ${guarded.jobsPerSec} jobs/s; ${rows} rows, ${keys} processed keys`);
      return {
        noop: { ...noop, concurrency: s.workerConcurrency },
        guarded: { ...guarded, concurrency: s.workerConcurrency, rowsWritten: rows, processedKeys: keys },
        guardedToNoopRatio: round(guarded.jobsPerSec / noop.jobsPerSec),
        extraMsPerJob: round(1000 / guarded.jobsPerSec - 1000 / noop.jobsPerSec),
      };
    } finally {
      await ctx.stop(api);
      await ctx.cleanRedis();
    }
  },

  /** RSS of api and worker and Redis used_memory over a sustained run at 50 % of the end-to-end maximum. */
  async memory(ctx, results) {
    const s = ctx.settings;
    await ctx.truncate();
    await ctx.cleanRedis();
    const api = await ctx.startApi('memory');
    const worker = await ctx.startWorker('memory', 'fanout');
    try {
      let max = (results.scenarios.endToEnd?.maxSustainedEventsPerSec as number | undefined) ?? 0;
      if (!max) {
        const probe = await ctx.closed(api.url, { connections: s.probeConnections, seconds: s.probeSeconds });
        max = probe.okPerSec * 0.8;
        await ctx.waitForDrain(FANOUT_QUEUES, 300_000);
      }
      const rate = Math.max(1, Math.round(max * 0.5));
      ctx.log(`   ${rate} events/s for ${s.memorySeconds} s`);
      await ctx.paced(api.url, rate, s.warmupSeconds);
      const samples: Array<{ t: number; apiRssMb: number; workerRssMb: number; redisUsedMemoryMb: number; backlog: number }> = [];
      const sample = async (t: number) => {
        // The worker's handlers keep a latency sample per job for endToEnd; here they would
        // only grow the worker's RSS (8 bytes × 2 per job), so drop them at every sample.
        await worker.ask({ type: 'reset' });
        const memory = await redisInfo(ctx.redis, 'memory');
        samples.push({
          t: round(t),
          apiRssMb: round(await rssMb(api.pid)),
          workerRssMb: round(await rssMb(worker.pid)),
          redisUsedMemoryMb: round(Number(memory.used_memory) / 2 ** 20),
          backlog: await backlog(ctx.redis, ctx.options.prefix, FANOUT_QUEUES),
        });
      };
      const started = performance.now();
      await sample(0);
      const run = ctx.paced(api.url, rate, s.memorySeconds);
      let finished = false;
      void run.finally(() => (finished = true));
      while (!finished) {
        await sleep(s.memorySampleSeconds * 1000);
        if (!finished) await sample((performance.now() - started) / 1000);
      }
      const load = await run;
      await sample((performance.now() - started) / 1000);
      const edge = Math.max(1, Math.round(samples.length / 10));
      const mean = (rows: typeof samples, key: 'apiRssMb' | 'workerRssMb' | 'redisUsedMemoryMb') => round(rows.reduce((sum, row) => sum + row[key], 0) / rows.length);
      const first = samples.slice(0, edge);
      const last = samples.slice(-edge);
      const summary = (key: 'apiRssMb' | 'workerRssMb' | 'redisUsedMemoryMb') => {
        const start = mean(first, key);
        const end = mean(last, key);
        return { start, end, max: Math.max(...samples.map((row) => row[key])), growth: round(end - start), flat: end <= start * 1.1 + 5 };
      };
      const out = {
        ratePerSec: rate,
        seconds: s.memorySeconds,
        ingest: loadSummary(load),
        api: summary('apiRssMb'),
        worker: summary('workerRssMb'),
        redis: summary('redisUsedMemoryMb'),
        backlogAtEnd: samples.at(-1)?.backlog ?? null,
        samples,
      };
      ctx.log(
        `   api RSS ${out.api.start} → ${out.api.end} MB (max ${out.api.max}), worker RSS ${out.worker.start} → ${out.worker.end} MB (max ${out.worker.max}), Redis ${out.redis.start} → ${out.redis.end} MB`,
      );
      return out;
    } finally {
      await ctx.stop(worker);
      await ctx.stop(api);
      await ctx.cleanRedis();
    }
  },

  /** Console endpoints' latency with a million events and a million dead letters stored. */
  async console(ctx) {
    const s = ctx.settings;
    const url = ctx.options.consoleDatabaseUrl;
    await prepareDatabase(url, { truncate: false });
    const seed = await seedConsoleData(url, s.consoleRows, (line) => ctx.log(`   ${line}`));
    const api = await ctx.startApi('console', url);
    try {
      const candidates = [
        { name: 'queues', path: '/v1/queues' },
        { name: 'deadLetters', path: '/v1/dead-letters' },
        { name: 'deadLettersOpen', path: '/v1/dead-letters?status=open' },
        { name: 'deadLetterGroups', path: '/v1/dead-letters/groups' },
        { name: 'deadLetterStats', path: '/v1/dead-letters/stats' },
        { name: 'events', path: '/v1/events' },
        { name: 'eventsByType', path: '/v1/events?type=order.shipped' },
      ];
      // Endpoints this build does not have (404/405) are left out rather than timed.
      const endpoints = [];
      for (const candidate of candidates) {
        const response = await fetch(`${api.origin}${candidate.path}`);
        await response.arrayBuffer();
        if (response.status === 200) endpoints.push(candidate);
        else ctx.log(`   ${candidate.path}: ${response.status}, not measured`);
      }
      const result = await runToResult<{ endpoints: Record<string, { path: string; latencyMs: LatencySummary; statusCodes: Record<string, number>; responseBytes: number }> }>(
        'load.main.js',
        { mode: 'console', origin: api.origin, endpoints, warmup: s.consoleWarmup, requests: s.consoleRequests },
      );
      for (const [name, endpoint] of Object.entries(result.endpoints)) {
        ctx.log(`   ${endpoint.path}: p50 ${endpoint.latencyMs.p50} ms, p95 ${endpoint.latencyMs.p95} ms`);
        void name;
      }
      const counts = await withClient(url, async (client) =>
        (await client.query('SELECT (SELECT count(*) FROM switchyard.events)::int AS events, (SELECT count(*) FROM switchyard.jobs)::int AS jobs, (SELECT count(*) FROM switchyard.dead_letters)::int AS dead_letters')).rows[0],
      );
      return { stored: counts, seeded: seed.seeded, seedSeconds: round(seed.seconds), requestsPerEndpoint: s.consoleRequests, endpoints: result.endpoints };
    } finally {
      await ctx.stop(api);
    }
  },
};

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
  batch: 'API only. autocannon, closed loop, batches of 100 and 1,000 events; events/s counts rows stored in Postgres.',
  endToEnd:
    'API and one worker process. Same search as ingest, and a rate is also required to leave < 0.5 s of jobs waiting in Redis at the end of the step. At 50 % of the maximum, each handler records Date.now() − Date.parse(event.receivedAt) at its start (receivedAt is Postgres now() of the ingest statement, i.e. just before the commit; same host clock) and Date.now() − data.bench.sentAt (the load generator\'s send time).',
  baseline:
    'Raw BullMQ, same Redis, same payload, same job options (attempts 3, exponential backoff, removeOnComplete {count 1000, age 3600}, removeOnFail {count 10000, age 604800}), same three queues, one Worker per queue with concurrency 20 and a no-op processor. Queue.add with 32 adds in flight; addBulk with 2 calls in flight.',
  drain:
    'Queues pre-filled (ours through the batch endpoint with no worker running; raw with addBulk), then a worker process starts; throughput is timed between 90 % and 10 % of the jobs left.',
  idempotent: 'As drain, one queue: a no-op handler vs a handler that inserts one row inside ctx.once() (processed key and row in one transaction).',
  memory:
    'API and worker at 50 % of the end-to-end maximum for the configured time; RSS from /proc and Redis used_memory sampled periodically. Flat: mean of the last tenth of samples ≤ 1.1 × the first tenth + 5 MB.',
  console:
    'A separate database seeded with SQL (generate_series): N events with 3 completed jobs each and N dead letters; indexes rebuilt, VACUUM ANALYZE. Sequential GETs on one keep-alive connection after a warm-up; p95 over the requests.',
};
