// What every scenario runs on: the processes (API, worker, load generator),
// Redis and Postgres of one benchmark run, the rate search and the cost probe.
import type { Redis } from 'ioredis';
import {
  backlog,
  commandDelta,
  commandStats,
  cpuSnapshot,
  deleteKeys,
  diff,
  pgCounters,
  redisClient,
  redisInfo,
  truncateAll,
  withClient,
} from './infra.js';
import type { HandlerStartsSummary } from './handler-starts.js';
import { orderEvent } from './payload.js';
import { runToResult, sleep, type Started, startProcess } from './processes.js';
import type { BenchSettings } from './settings.js';
import type { ScenarioName } from './run.js';
import type { LatencySummary } from './stats.js';
import { round } from './stats.js';

export interface RunOptions {
  settings: BenchSettings;
  databaseUrl: string;
  consoleDatabaseUrl: string;
  redisUrl: string;
  /** Key prefix of Switchyard's queues in this run; raw BullMQ uses `<prefix minus }>-raw}`, the raw BullMQ peer `-peer}`. */
  prefix: string;
  /** Scenarios to run (default: all). */
  only: Set<ScenarioName> | null;
  /** The pgbench to run for the Postgres ceiling (scenario peers). */
  pgbench: string;
  /** Write V8 CPU profiles of the api and worker processes here (slows them down a little). */
  profileDir: string | null;
  log: (line: string) => void;
}


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

/** What a worker process answers to {type:'latency'} (see handler-starts.ts). */
export type WorkerLatency = HandlerStartsSummary;


export const RAW_SUFFIX = '-raw';
export const PEER_SUFFIX = '-peer';

/** Shared plumbing: processes, Redis, the environment every Switchyard process gets. */
export class Context {
  readonly redis: Redis;
  readonly settings: BenchSettings;
  readonly rawPrefix: string;
  /** Key prefix of the raw BullMQ peer's queues (peers/bullmq-http.main.ts). */
  readonly peerPrefix: string;
  private readonly running = new Set<Started>();
  private workers = 0;

  constructor(readonly options: RunOptions) {
    this.redis = redisClient(options.redisUrl);
    this.settings = options.settings;
    this.rawPrefix = options.prefix.replace(/}$/, `${RAW_SUFFIX}}`);
    this.peerPrefix = options.prefix.replace(/}$/, `${PEER_SUFFIX}}`);
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
    // As the start scripts, the image and `switchyard api|worker` run the services.
    const production = ['--max-old-space-size=128', '--wasm-tiering-budget=1000000000'];
    if (!this.options.profileDir) return production;
    return [...production, '--cpu-prof', `--cpu-prof-dir=${this.options.profileDir}`, `--cpu-prof-name=${name}-${Date.now()}.cpuprofile`];
  }

  async startApi(label: string, databaseUrl?: string): Promise<Started & { url: string; origin: string }> {
    const api = await this.start(`api (${label})`, 'api.main.js', { env: { ...this.env(databaseUrl), BENCH_HANDLERS: 'fanout,single,guarded' } }, `api-${label}`);
    const origin = `http://127.0.0.1:${api.ready.port}`;
    return Object.assign(api, { origin, url: `${origin}/v1/events` });
  }

  async startWorker(label: string, sets: string): Promise<Started> {
    return this.start(`worker (${label})`, 'worker.main.js', { env: { ...this.env(), BENCH_HANDLERS: sets, WORKER_ID: `bench-worker-${++this.workers}` } }, `worker-${label}`);
  }

  /**
   * Starts a compiled bench entry with the node flags of the services (and
   * --cpu-prof with --profile, its profile named `profileName`); close() stops it if the scenario did not.
   */
  async start(name: string, entry: string, options: { env: Record<string, string>; args?: string[] }, profileName: string): Promise<Started> {
    const started = await startProcess(name, entry, { ...options, nodeFlags: this.nodeFlags(profileName) });
    this.running.add(started);
    return started;
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
    await deleteKeys(this.redis, this.peerPrefix);
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


/** One step of a rate search: whether the system sustained `rate` for a step. */
export interface Step {
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
export async function searchMaxRate(ctx: Context, probe: number, step: (rate: number) => Promise<Step>): Promise<{ max: number; steps: Step[] }> {
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

export function judgeLoad(rate: number, load: LoadResult): string[] {
  const why: string[] = [];
  if (load.okPerSec < rate * 0.97) why.push(`accepted ${round(load.okPerSec)}/s < 97 % of offered`);
  if ((load.dropped ?? 0) > 0) why.push(`${load.dropped} requests not sent (too many outstanding)`);
  if (load.errors > 0 || load.ok < load.requests - (load.dropped ?? 0)) why.push(`${load.requests - load.ok} failed requests`);
  if ((load.latencyMs.p99 ?? 0) > 500) why.push('p99 above 500 ms (requests queueing)');
  return why;
}

export function loadSummary(load: LoadResult) {
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
export async function profiled<T>(ctx: Context, pids: Record<string, number>, work: () => Promise<T>, events: (result: T) => number) {
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

