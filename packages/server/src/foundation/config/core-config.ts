import { hostname } from 'node:os';
import { z } from 'zod';
import { parseRedactPaths, type RedactPath } from './redact-paths.js';

const int = (min: number, max: number, fallback: number) =>
  z.coerce.number().int().min(min).max(max).default(fallback);

/** A variable (empty by default) read by `parse`, whose error message becomes the variable's. */
const parsedWith = <T>(parse: (raw: string) => T) =>
  z
    .string()
    .default('')
    .transform((value, ctx) => {
      try {
        return parse(value);
      } catch (error) {
        ctx.addIssue({ code: 'custom', message: (error as Error).message });
        return z.NEVER;
      }
    });

/**
 * The environment every Switchyard process reads: connections, ingest limits,
 * outbox and worker tuning. Apps extend it with their own variables and
 * validate once at boot (see `loadConfig`); nothing else reads process.env.
 */
export const coreEnvSchema = z.object({
  DATABASE_URL: z.url().default('postgresql://postgres@127.0.0.1:5432/switchyard'),
  DATABASE_POOL_SIZE: int(1, 500, 10),
  // A read replica (or a PgBouncer in front of one) for the console's read-only
  // queries; unset, they run on DATABASE_URL.
  DATABASE_READ_URL: z.url().optional(),
  // false behind a transaction-mode PgBouncer older than 1.21 (or with
  // max_prepared_statements = 0), which hands each transaction to any server
  // connection, where a name prepared on another one does not exist: the hot
  // path then sends unnamed statements only.
  DATABASE_PREPARED_STATEMENTS: z.stringbool().default(true),
  REDIS_URL: z.url().default('redis://127.0.0.1:6379'),
  // Comma-separated host:port seeds; set, every Redis connection is a Cluster
  // client (REDIS_URL then only lends its username, password and TLS).
  REDIS_CLUSTER_NODES: parsedWith(parseClusterNodes),
  // Replicas that must acknowledge a publish on Redis Cluster before its outbox
  // rows count as published (WAIT); 0 marks them at once.
  REDIS_CLUSTER_REPLICA_ACKS: int(0, 16, 1),
  QUEUE_PREFIX: z
    .string()
    .regex(/^\{[^{}:]+\}$/, 'must be a Redis Cluster hash tag such as {switchyard}')
    .default('{switchyard}'),
  MAX_EVENT_BYTES: int(1024, 64 * 1024 * 1024, 256 * 1024),
  MAX_BATCH_BYTES: int(1024, 1024 * 1024 * 1024, 4 * 1024 * 1024),
  INGEST_BYTES_IN_FLIGHT: int(1024, 1024 * 1024 * 1024, 8 * 1024 * 1024),
  IDEMPOTENCY_TTL_HOURS: int(1, 24 * 365, 24),
  OUTBOX_SWEEP_INTERVAL_MS: int(100, 3_600_000, 5_000),
  OUTBOX_GRACE_MS: int(0, 3_600_000, 2_000),
  PUBLISH_TIMEOUT_MS: int(50, 60_000, 2_000),
  OPERATION_LEASE_MS: int(1_000, 3_600_000, 30_000),
  JOB_KEEP_COMPLETED: int(0, 10_000_000, 1_000),
  JOB_KEEP_COMPLETED_AGE_S: int(0, 365 * 86_400, 3_600),
  JOB_KEEP_FAILED: int(0, 10_000_000, 10_000),
  JOB_KEEP_FAILED_AGE_S: int(0, 365 * 86_400, 7 * 86_400),
  WORKER_ID: z.string().min(1).max(200).default(`${hostname()}:${process.pid}`),
  // What the route registry shows for this worker's handlers (docs/deploy.md): a release tag, an image digest.
  WORKER_VERSION: z.string().trim().min(1).max(200).default('unversioned'),
  ROUTE_HEARTBEAT_MS: int(1_000, 3_600_000, 10_000),
  ROUTES_REFRESH_MS: int(50, 60_000, 1_000),
  WORKER_LOCK_DURATION_MS: int(1_000, 3_600_000, 30_000),
  WORKER_STALLED_INTERVAL_MS: int(1_000, 3_600_000, 30_000),
  WORKER_MAX_STALLED_COUNT: int(0, 100, 1),
  WORKER_SHUTDOWN_GRACE_MS: int(0, 3_600_000, 25_000),
  // Comma-separated; empty runs every queue. Unknown names are refused at boot
  // (selectQueues), where the registry knows which queues exist.
  WORKER_QUEUES: z
    .string()
    .default('')
    .transform((value) => [...new Set(value.split(',').map((name) => name.trim()).filter(Boolean))]),
  INGEST_RATE_LIMIT_PER_SEC: int(0, 10_000_000, 0),
  SCHEDULE_POLL_MS: int(50, 60_000, 1_000),
  SCHEDULE_MISFIRE_GRACE_MS: int(0, 7 * 86_400_000, 60_000),
  REDACT_PATHS: parsedWith(parseRedactPaths),
  REDACT_STORED: z.stringbool().default(true),
  LOG_LEVEL: z.enum(['error', 'warn', 'log', 'debug', 'verbose']).default('log'),
});

/** The variables every Switchyard process reads, validated, with defaults filled in. */
export type CoreEnv = z.infer<typeof coreEnvSchema>;

/** The platform's typed configuration, derived from a validated CoreEnv. */
export interface SwitchyardConfig {
  databaseUrl: string;
  databasePoolSize: number;
  /** Where read-only console queries go (ReadPrismaService); null: the primary. */
  databaseReadUrl: string | null;
  /** Whether the hot path may use named (server-side prepared) statements. */
  databasePreparedStatements: boolean;
  redisUrl: string;
  /** Seed nodes of a Redis Cluster; empty: one Redis server at redisUrl. */
  redisClusterNodes: RedisNode[];
  /** On Redis Cluster, replicas that must acknowledge published jobs (WAIT) before rows are marked. */
  redisClusterReplicaAcks: number;
  /** The hash tag queue keys live under; on Redis Cluster each queue gets its own (see queueKeyPrefix). */
  queuePrefix: string;
  ingest: {
    maxEventBytes: number;
    maxBatchBytes: number;
    /** Request-body bytes ingest works on at once (see IngestAdmission). */
    bytesInFlight: number;
    maxBatchEvents: number;
    idempotencyTtlHours: number;
    /** Events per second per API key unless the key says otherwise; 0: unlimited. */
    rateLimitPerSec: number;
  };
  redaction: {
    /** Paths into the event envelope masked wherever event data leaves Switchyard. */
    paths: RedactPath[];
    /** Also mask them in events.data once the event's jobs are done with it. */
    stored: boolean;
  };
  outbox: { sweepIntervalMs: number; graceMs: number; publishTimeoutMs: number };
  operations: {
    /** How long a bulk operation stays with the process working on it, renewed by each batch; then another may take it over. */
    leaseMs: number;
  };
  routes: {
    /** How often a worker tells the route registry it still runs its handlers; one missed three times over is offline. */
    heartbeatMs: number;
    /** How often a process asks the registry whether routes or event types changed (reloading them when they did). */
    refreshMs: number;
  };
  schedules: {
    /** Longest wait between two looks for due schedules (sooner when one is due). */
    pollMs: number;
    /** A tick later than this is a misfire: the schedule's catch-up policy applies. */
    misfireGraceMs: number;
  };
  retention: {
    completed: { count: number; age: number };
    failed: { count: number; age: number };
  };
  worker: {
    id: string;
    version: string;
    lockDurationMs: number;
    stalledIntervalMs: number;
    maxStalledCount: number;
    shutdownGraceMs: number;
    /** The queues this worker consumes (`WORKER_QUEUES`, `--queues`); empty: every queue with a handler. */
    queues: string[];
  };
  logLevel: CoreEnv['LOG_LEVEL'];
}

export function toSwitchyardConfig(env: CoreEnv): SwitchyardConfig {
  return {
    databaseUrl: env.DATABASE_URL,
    databasePoolSize: env.DATABASE_POOL_SIZE,
    databaseReadUrl: env.DATABASE_READ_URL ?? null,
    databasePreparedStatements: env.DATABASE_PREPARED_STATEMENTS,
    redisUrl: env.REDIS_URL,
    redisClusterNodes: env.REDIS_CLUSTER_NODES,
    redisClusterReplicaAcks: env.REDIS_CLUSTER_REPLICA_ACKS,
    queuePrefix: env.QUEUE_PREFIX,
    ingest: {
      maxEventBytes: env.MAX_EVENT_BYTES,
      maxBatchBytes: env.MAX_BATCH_BYTES,
      bytesInFlight: env.INGEST_BYTES_IN_FLIGHT,
      maxBatchEvents: 1_000,
      idempotencyTtlHours: env.IDEMPOTENCY_TTL_HOURS,
      rateLimitPerSec: env.INGEST_RATE_LIMIT_PER_SEC,
    },
    redaction: { paths: env.REDACT_PATHS, stored: env.REDACT_STORED },
    outbox: {
      sweepIntervalMs: env.OUTBOX_SWEEP_INTERVAL_MS,
      graceMs: env.OUTBOX_GRACE_MS,
      publishTimeoutMs: env.PUBLISH_TIMEOUT_MS,
    },
    operations: { leaseMs: env.OPERATION_LEASE_MS },
    routes: { heartbeatMs: env.ROUTE_HEARTBEAT_MS, refreshMs: env.ROUTES_REFRESH_MS },
    schedules: { pollMs: env.SCHEDULE_POLL_MS, misfireGraceMs: env.SCHEDULE_MISFIRE_GRACE_MS },
    retention: {
      completed: { count: env.JOB_KEEP_COMPLETED, age: env.JOB_KEEP_COMPLETED_AGE_S },
      failed: { count: env.JOB_KEEP_FAILED, age: env.JOB_KEEP_FAILED_AGE_S },
    },
    worker: {
      id: env.WORKER_ID,
      version: env.WORKER_VERSION,
      lockDurationMs: env.WORKER_LOCK_DURATION_MS,
      stalledIntervalMs: env.WORKER_STALLED_INTERVAL_MS,
      maxStalledCount: env.WORKER_MAX_STALLED_COUNT,
      shutdownGraceMs: env.WORKER_SHUTDOWN_GRACE_MS,
      queues: env.WORKER_QUEUES,
    },
    logLevel: env.LOG_LEVEL,
  };
}

/** One seed node of a Redis Cluster. */
export interface RedisNode {
  host: string;
  port: number;
}

/**
 * Parses REDIS_CLUSTER_NODES: comma-separated `host:port` (IPv6 hosts in
 * brackets, `[::1]:7000`). Empty gives no nodes (single-server mode); anything
 * else malformed throws, naming the entry.
 */
export function parseClusterNodes(raw: string): RedisNode[] {
  const nodes: RedisNode[] = [];
  const entries = raw.split(',').map((entry) => entry.trim());
  if (entries.every((entry) => entry === '')) return nodes;
  for (const entry of entries) {
    const match = /^(\[[0-9a-fA-F:.]+\]|[^\s:/@\[\]]+):(\d{1,5})$/.exec(entry);
    const port = match ? Number(match[2]) : NaN;
    if (!match || port < 1 || port > 65_535) {
      throw new ConfigError(
        `REDIS_CLUSTER_NODES entry ${JSON.stringify(entry)} is not host:port (expected e.g. "10.0.0.1:6379,10.0.0.2:6379")`,
      );
    }
    nodes.push({ host: match[1].replace(/^\[|\]$/g, ''), port });
  }
  return nodes;
}

/** Thrown by `loadConfig` with one line per bad variable. */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

/**
 * Validates `env` against `schema` and returns the parsed values, or throws a
 * ConfigError naming every variable that is wrong and why.
 */
export function loadConfig<S extends z.ZodType>(
  schema: S,
  env: Record<string, string | undefined>,
): z.infer<S> {
  // Empty strings mean "unset" (compose files often pass VAR= through).
  const cleaned = Object.fromEntries(Object.entries(env).filter(([, value]) => value !== ''));
  const result = schema.safeParse(cleaned);
  if (result.success) return result.data;
  const lines = result.error.issues.map((issue) => `  ${issue.path.join('.')}: ${issue.message}`);
  throw new ConfigError(`Invalid configuration:\n${lines.join('\n')}`);
}

/** The config token every core provider injects. */
export const SWITCHYARD_CONFIG = Symbol('SWITCHYARD_CONFIG');

/** Nest logger levels at or above `level`. */
export function logLevelsFor(level: CoreEnv['LOG_LEVEL']): Array<'error' | 'warn' | 'log' | 'debug' | 'verbose'> {
  const order = ['error', 'warn', 'log', 'debug', 'verbose'] as const;
  return order.slice(0, order.indexOf(level) + 1);
}
