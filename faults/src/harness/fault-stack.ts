import type { AcceptedEvent } from '@switchyard/core/contracts';
import { createRedisClient, type JobPayload, parseClusterNodes, queueKeyPrefix, type RedisClient, type RedisTarget } from '@switchyard/server/internal';
import {
  freePort,
  post,
  prepareTestDatabase,
  resetDatabase,
  runNode,
  type RunningProcess,
  ThrowawayRedis,
  ThrowawayRedisCluster,
  type ThrowawayRedisClusterOptions,
  type ThrowawayRedisOptions,
  toolPath,
  uniqueQueuePrefix,
  waitFor,
} from '@switchyard/testing';
import { Queue } from 'bullmq';
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Client } from 'pg';
import { FAULT_TABLES_SQL } from '../fixtures/execution-journal.js';
import type { FaultTask } from '../fixtures/fault-events.js';

const ROOT = join(__dirname, '..', '..', '..');
const API_MAIN = 'faults/dist/fixtures/fault-api.main.js';
const WORKER_MAIN = 'faults/dist/fixtures/fault-worker.main.js';

/** The shared Postgres, under a database of the fault suite's own. */
export const FAULTS_DATABASE_URL = process.env.FAULTS_DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/switchyard_faults';

/**
 * Short timers, so a stalled job is recovered in seconds: a lock lasts 2 s
 * (renewed every 1 s) and stalled jobs are looked for every 1 s.
 */
export const FAULT_TIMERS = {
  lockDurationMs: 2_000,
  stalledIntervalMs: 1_000,
  maxStalledCount: 1,
  shutdownGraceMs: 2_000,
};

export interface FaultStackOptions {
  redis?: ThrowawayRedisOptions;
  /** Run on a throwaway Redis Cluster (REDIS_CLUSTER_NODES) instead of one server. */
  cluster?: ThrowawayRedisClusterOptions;
  /** Default: the suite's database on the shared Postgres. */
  databaseUrl?: string;
  env?: Record<string, string>;
}

/** A process of the stack: the API or a worker. */
export interface StackProcess extends RunningProcess {
  name: string;
  pid: number;
  /** SIGKILL, no cleanup, as a crash or the OOM killer would. */
  kill9(): Promise<void>;
  /** SIGTERM; resolves with how the process ended. */
  terminate(): Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** SIGSTOP: frozen as by a long GC pause or a stalled VM, connections and locks held. */
  pause(): void;
  /** SIGCONT: thaws a paused (or self-stopped) process. */
  resume(): void;
  /** Whether the kernel has it stopped (state T in /proc). */
  stopped(): boolean;
  /** An API's base URL; empty for a worker. */
  url: string;
}

/**
 * One scenario's world: a redis-server (or a Redis Cluster) of its own, a freshly emptied
 * database, and real API and worker processes started from the fault
 * fixtures' compiled mains. Everything it starts, `close()` stops.
 */
export class FaultStack {
  readonly processes: StackProcess[] = [];
  private readonly queues = new Map<string, Queue<JobPayload>>();
  private readonly connections: RedisClient[] = [];
  apiUrl = '';

  private constructor(
    private readonly server: ThrowawayRedis | null,
    /** The scenario's Redis Cluster, when it runs on one. */
    readonly cluster: ThrowawayRedisCluster | null,
    readonly databaseUrl: string,
    readonly env: Record<string, string>,
  ) {}

  static async start(options: FaultStackOptions = {}): Promise<FaultStack> {
    const databaseUrl = options.databaseUrl ?? FAULTS_DATABASE_URL;
    await prepareFaultDatabase(databaseUrl);
    const cluster = options.cluster ? await ThrowawayRedisCluster.start(options.cluster) : null;
    const server = cluster ? null : await ThrowawayRedis.start(options.redis);
    const env: Record<string, string> = {
      DATABASE_URL: databaseUrl,
      ...(server ? { REDIS_URL: server.url } : { REDIS_CLUSTER_NODES: cluster!.nodesEnv }),
      QUEUE_PREFIX: uniqueQueuePrefix('faults'),
      HOST: '127.0.0.1',
      LOG_LEVEL: 'warn',
      DATABASE_POOL_SIZE: '10',
      OUTBOX_GRACE_MS: '300',
      OUTBOX_SWEEP_INTERVAL_MS: '500',
      PUBLISH_TIMEOUT_MS: '1000',
      WORKER_LOCK_DURATION_MS: String(FAULT_TIMERS.lockDurationMs),
      WORKER_STALLED_INTERVAL_MS: String(FAULT_TIMERS.stalledIntervalMs),
      WORKER_MAX_STALLED_COUNT: String(FAULT_TIMERS.maxStalledCount),
      WORKER_SHUTDOWN_GRACE_MS: String(FAULT_TIMERS.shutdownGraceMs),
      METRICS_PORT: '0',
      METRICS_HOST: '127.0.0.1',
      // The fault suite counts deliveries, not credentials: API keys are e2e's (security.e2e-spec.ts).
      AUTH_MODE: 'off',
      ...options.env,
    };
    return new FaultStack(server, cluster, databaseUrl, env);
  }

  /** The scenario's redis-server (not on a cluster scenario). */
  get redis(): ThrowawayRedis {
    if (!this.server) throw new Error('This scenario runs on a Redis Cluster: use stack.cluster');
    return this.server;
  }

  /** Where the stack's Redis is, as createRedisClient takes it. */
  private get redisTarget(): RedisTarget {
    return { redisUrl: this.env.REDIS_URL ?? 'redis://127.0.0.1:6379', redisClusterNodes: parseClusterNodes(this.env.REDIS_CLUSTER_NODES ?? '') };
  }

  /** BullMQ's key prefix for queue `name`, as the stack's processes use it. */
  prefixOf(name: string): string {
    return queueKeyPrefix(this.env.QUEUE_PREFIX, name, this.cluster !== null);
  }

  /** Starts the API on a free port (or the port it had, on a restart) and waits until it listens. */
  async startApi(env: Record<string, string> = {}): Promise<StackProcess> {
    const port = this.apiUrl ? new URL(this.apiUrl).port : String(await freePort());
    const api = await this.spawnApi('api', port, env);
    this.apiUrl = api.url;
    return api;
  }

  /**
   * Starts one more API replica on a port of its own (or on `url`'s port, to
   * restart a replica where its producers expect it). Replicas share the
   * stack's Redis and database and nothing else.
   */
  async startApiReplica(env: Record<string, string> = {}, url?: string): Promise<StackProcess> {
    const port = url ? new URL(url).port : String(await freePort());
    const name = `api-${this.processes.filter((p) => p.name.startsWith('api')).length + 1}`;
    return this.spawnApi(name, port, env);
  }

  /**
   * Starts a worker and waits until it consumes. `clockSkewMs` runs it under
   * libfaketime with its wall clock that far off (monotonic timers stay true).
   */
  async startWorker(env: Record<string, string> = {}, { clockSkewMs }: { clockSkewMs?: number } = {}): Promise<StackProcess> {
    const skew: Record<string, string> =
      clockSkewMs === undefined
        ? {}
        : { LD_PRELOAD: toolPath('faketime'), FAKETIME: `${clockSkewMs >= 0 ? '+' : '-'}${Math.abs(clockSkewMs) / 1000}`, FAKETIME_DONT_FAKE_MONOTONIC: '1', FAKETIME_NO_CACHE: '1' };
    const name = `worker-${this.processes.filter((p) => p.name.startsWith('worker')).length + 1}`;
    return this.spawn(name, WORKER_MAIN, { ...this.env, WORKER_ID: `fault-${name}`, ...skew, ...env }, /fault worker .* ready/);
  }

  /** POSTs one fault task (to the first API, or to `apiUrl`); resolves with the answer (202, 503, …) as it came. */
  postTask(task: Partial<FaultTask> = {}, envelope: Record<string, unknown> = {}, apiUrl = this.apiUrl) {
    return post<AcceptedEvent>(`${apiUrl}/v1/events`, { type: 'fault.task', source: 'urn:faults', data: aTask(task), ...envelope });
  }

  /** POSTs `count` tasks, a few at a time, round-robin over `apiUrls`; every answer must be a 202. */
  async acceptTasks(count: number, task: Partial<FaultTask> = {}, apiUrls = [this.apiUrl]): Promise<AcceptedEvent[]> {
    const accepted: AcceptedEvent[] = [];
    for (let start = 0; start < count; start += 10) {
      const answers = await Promise.all(Array.from({ length: Math.min(10, count - start) }, (_, n) => this.postTask(task, {}, apiUrls[(start + n) % apiUrls.length])));
      for (const answer of answers) {
        if (answer.status !== 202) throw new Error(`expected 202, got ${answer.status}: ${answer.text}`);
        accepted.push(answer.body);
      }
    }
    return accepted;
  }

  /** A BullMQ queue of the stack, for looking at job states. */
  queue(name: string): Queue<JobPayload> {
    let queue = this.queues.get(name);
    if (!queue) {
      const connection = createRedisClient(this.redisTarget, { maxRetriesPerRequest: 1 });
      connection.on('error', () => undefined);
      this.connections.push(connection); // ours, not the Queue's: closed in close()
      queue = new Queue<JobPayload>(name, { connection, prefix: this.prefixOf(name) });
      queue.on('error', () => undefined);
      this.queues.set(name, queue);
    }
    return queue;
  }

  /**
   * When BullMQ moved each of `jobIds` back from active after a stall, by
   * Redis's clock: the ids of its `stalled` events in the queue's event stream.
   */
  async stalledAt(queueName: string, jobIds: string[]): Promise<Map<string, number>> {
    const client = createRedisClient(this.redisTarget, { maxRetriesPerRequest: 1 });
    const entries = await client.xrange(`${this.prefixOf(queueName)}:${queueName}:events`, '-', '+').finally(() => client.disconnect());
    const wanted = new Set(jobIds);
    const found = new Map<string, number>();
    for (const [id, fields] of entries) {
      const event = Object.fromEntries(fields.flatMap((value, index) => (index % 2 === 0 ? [[value, fields[index + 1]]] : [])));
      if (event.event === 'stalled' && wanted.has(event.jobId) && !found.has(event.jobId)) found.set(event.jobId, Number(id.split('-')[0]));
    }
    return found;
  }

  /** Rows from the scenario's database. */
  async query<T extends Record<string, unknown>>(sql: string, params: unknown[] = []): Promise<T[]> {
    return withClient(this.databaseUrl, async (client) => (await client.query<T>(sql, params)).rows);
  }

  async close(): Promise<void> {
    // Processes first: a queue's close can hang on a Redis the scenario broke,
    // and a process left running would keep working on the next scenario's database.
    await Promise.all(this.processes.map((process) => process.kill9()));
    await Promise.all([...this.queues.values()].map((queue) => queue.close().catch(() => undefined)));
    for (const connection of this.connections) connection.disconnect();
    await this.server?.dispose();
    await this.cluster?.dispose();
  }

  /** Every process's output, for an assertion message. */
  output(): string {
    return this.processes.map((process) => `── ${process.name} (pid ${process.pid})\n${process.output().slice(-4_000)}`).join('\n');
  }

  private async spawnApi(name: string, port: string, env: Record<string, string>): Promise<StackProcess> {
    const api = await this.spawn(name, API_MAIN, { ...this.env, PORT: port, WORKER_ID: `fault-api-${randomUUID().slice(0, 4)}`, ...env }, /fault api listening/);
    api.url = `http://127.0.0.1:${port}`;
    return api;
  }

  private async spawn(name: string, entry: string, env: Record<string, string>, ready: RegExp): Promise<StackProcess> {
    const run = runNode(entry, env);
    const alive = () => run.child.exitCode === null && run.child.signalCode === null;
    const process: StackProcess = {
      ...run,
      name,
      url: '',
      pid: run.child.pid ?? 0,
      pause() {
        if (alive()) run.child.kill('SIGSTOP');
      },
      resume() {
        if (alive()) run.child.kill('SIGCONT');
      },
      stopped() {
        try {
          // The state follows the command name in parentheses: "1234 (node) T …".
          return alive() && readFileSync(`/proc/${run.child.pid}/stat`, 'utf8').split(') ')[1]?.startsWith('T') === true;
        } catch {
          return false;
        }
      },
      async kill9() {
        if (run.child.exitCode !== null || run.child.signalCode !== null) return;
        run.child.kill('SIGKILL');
        await run.exited;
      },
      async terminate() {
        if (run.child.exitCode === null && run.child.signalCode === null) run.child.kill('SIGTERM');
        return run.exited;
      },
    };
    this.processes.push(process);
    // Generous: on a busy 2-core machine, five processes booting at once take a while.
    await waitFor(`${name} ready`, () => ready.test(run.output()) || run.child.exitCode !== null, { timeoutMs: 60_000, intervalMs: 50 });
    if (run.child.exitCode !== null) throw new Error(`${name} exited with ${run.child.exitCode} before it was ready:\n${run.output()}`);
    return process;
  }
}

/** A task that does nothing special: the default job of every scenario. */
export function aTask(overrides: Partial<FaultTask> = {}): FaultTask {
  return { sleepMs: 0, blockFirstMs: 0, crash: false, fail: false, failRuns: 0, ...overrides };
}

/** Creates and migrates the database, empties it, and adds the checker's tables. */
export async function prepareFaultDatabase(url: string): Promise<void> {
  await prepareTestDatabase(url);
  await withClient(url, (client) => client.query(FAULT_TABLES_SQL));
  await resetDatabase(url);
}

async function withClient<T>(url: string, work: (client: Client) => Promise<T>): Promise<T> {
  const client = new Client({ connectionString: url });
  client.on('error', () => undefined);
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end().catch(() => undefined);
  }
}
