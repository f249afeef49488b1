import { SHOP_MIGRATIONS } from '@switchyard/example-shop';
import { applyMigrations, ensureDatabase, migrateSwitchyard } from '@switchyard/server/internal';
import { Redis } from 'ioredis';
import { execFileSync } from 'node:child_process';
import { readdir, readFile } from 'node:fs/promises';
import { cpus, loadavg, totalmem } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { EFFECTS_TABLE_SQL } from './catalog.js';
import { cpuSeconds } from './processes.js';

export const ROOT = join(__dirname, '..', '..');

/** Creates and migrates a benchmark database (Switchyard's tables and the shop's), adds the guarded handler's table, empties every table. */
export async function prepareDatabase(url: string, { truncate = true } = {}): Promise<void> {
  await ensureDatabase(url);
  await migrateSwitchyard(url);
  await applyMigrations(url, SHOP_MIGRATIONS.dir, { schema: SHOP_MIGRATIONS.schema });
  await withClient(url, async (client) => {
    await client.query(EFFECTS_TABLE_SQL);
    if (truncate) await truncateAll(client);
  });
}

/** The route registry's tables: a deployment's configuration (what workers registered), not its data. */
const REGISTRY_TABLES = ['routes', 'route_workers', 'event_types', 'event_type_schemas', 'registry_revision'];

/**
 * Empties Switchyard's tables, the shop's and the benchmark's own (public),
 * but not the migrations' records or the installation's id; with
 * `keepRegistry`, not the route registry either (between the steps of a
 * scenario, whose API routes from it).
 */
export async function truncateAll(client: Client, { keepRegistry = false } = {}): Promise<void> {
  const { rows } = await client.query<{ name: string }>(
    `SELECT format('%I.%I', schemaname, tablename) AS name FROM pg_tables
     WHERE schemaname IN ('switchyard', 'shop', 'public') AND tablename <> '_prisma_migrations'
       AND NOT (schemaname = 'switchyard' AND (tablename = 'installation' OR (tablename = ANY($1) AND $2)))`,
    [REGISTRY_TABLES, keepRegistry],
  );
  await client.query(`TRUNCATE ${rows.map((row) => row.name).join(', ')} RESTART IDENTITY CASCADE`);
}

export async function withClient<T>(url: string, work: (client: Client) => Promise<T>): Promise<T> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

export function redisClient(url: string): Redis {
  const redis = new Redis(url, { maxRetriesPerRequest: 3 });
  redis.on('error', () => undefined);
  return redis;
}

/** Deletes every key under `prefix:` (the benchmark's own queues and series). */
export async function deleteKeys(redis: Redis, prefix: string): Promise<number> {
  let cursor = '0';
  let deleted = 0;
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 5000);
    cursor = next;
    if (keys.length) deleted += await redis.unlink(...keys);
  } while (cursor !== '0');
  return deleted;
}

/** Jobs not finished yet (waiting, prioritized, delayed, active) across `queues`. */
export async function backlog(redis: Redis, prefix: string, queues: string[]): Promise<number> {
  const pipeline = redis.pipeline();
  for (const queue of queues) {
    const key = (name: string) => `${prefix}:${queue}:${name}`;
    pipeline.llen(key('wait'));
    pipeline.zcard(key('prioritized'));
    pipeline.zcard(key('delayed'));
    pipeline.llen(key('active'));
    pipeline.llen(key('paused'));
  }
  const results = (await pipeline.exec()) ?? [];
  return results.reduce((sum, [, value]) => sum + Number(value ?? 0), 0);
}

export async function redisInfo(redis: Redis, section: string): Promise<Record<string, string>> {
  const text = await redis.info(section);
  return Object.fromEntries(
    text
      .split('\r\n')
      .filter((line) => line.includes(':') && !line.startsWith('#'))
      .map((line) => [line.slice(0, line.indexOf(':')), line.slice(line.indexOf(':') + 1)]),
  );
}

/** Redis command statistics: calls and microseconds per command. */
export async function commandStats(redis: Redis): Promise<Record<string, { calls: number; usec: number }>> {
  const info = await redisInfo(redis, 'commandstats');
  const stats: Record<string, { calls: number; usec: number }> = {};
  for (const [key, value] of Object.entries(info)) {
    const fields = Object.fromEntries(value.split(',').map((pair) => pair.split('=')));
    stats[key.replace(/^cmdstat_/, '')] = { calls: Number(fields.calls), usec: Number(fields.usec) };
  }
  return stats;
}

export type PgCounters = {
  xact_commit: number;
  xact_rollback: number;
  tup_inserted: number;
  tup_updated: number;
  tup_deleted: number;
  tup_fetched: number;
  blks_read: number;
  blks_hit: number;
};

export async function pgCounters(url: string): Promise<PgCounters> {
  return withClient(url, async (client) => {
    const { rows } = await client.query(
      `SELECT xact_commit, xact_rollback, tup_inserted, tup_updated, tup_deleted, tup_fetched, blks_read, blks_hit
       FROM pg_stat_database WHERE datname = current_database()`,
    );
    return Object.fromEntries(Object.entries(rows[0]).map(([key, value]) => [key, Number(value)])) as unknown as PgCounters;
  });
}

/** CPU seconds used so far by named processes, Redis and every postgres process. */
export async function cpuSnapshot(pids: Record<string, number>): Promise<Record<string, number>> {
  const snapshot: Record<string, number> = {};
  for (const [name, pid] of Object.entries(pids)) snapshot[name] = await cpuSeconds(pid).catch(() => Number.NaN);
  let postgres = 0;
  for (const entry of await readdir('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const comm = (await readFile(`/proc/${entry}/comm`, 'utf8')).trim();
      if (comm === 'postgres') postgres += await cpuSeconds(Number(entry));
    } catch {
      // gone
    }
  }
  snapshot.postgres = postgres;
  snapshot.machine = await machineBusySeconds();
  return snapshot;
}

/** CPU seconds the whole machine spent busy (all cores), from /proc/stat. */
export async function machineBusySeconds(): Promise<number> {
  const fields = (await readFile('/proc/stat', 'utf8')).split('\n')[0].split(/\s+/).slice(1).map(Number);
  const idle = fields[3] + (fields[4] ?? 0);
  const total = fields.slice(0, 8).reduce((sum, value) => sum + value, 0);
  return (total - idle) / 100;
}

/**
 * Waits (up to `maxMs`) until the machine is quiet: less than `threshold`
 * cores busy over a second. Other work on the machine (another build, a
 * browser) would otherwise be measured as ours. Returns the busy cores seen last.
 */
export async function waitForQuiet(threshold = 0.3, maxMs = 30_000): Promise<{ busyCores: number; waitedMs: number }> {
  const started = Date.now();
  let busy = Number.NaN;
  do {
    const before = await machineBusySeconds();
    await new Promise((resolve) => setTimeout(resolve, 1000));
    busy = (await machineBusySeconds()) - before;
    if (busy < threshold) break;
  } while (Date.now() - started < maxMs);
  return { busyCores: Math.round(busy * 100) / 100, waitedMs: Date.now() - started };
}

export function diff<T extends Record<string, number>>(after: T, before: T): T {
  return Object.fromEntries(Object.entries(after).map(([key, value]) => [key, value - (before[key] ?? 0)])) as T;
}

/** The top Redis commands by time between two snapshots, with calls and µs per `per` (e.g. per job). */
export function commandDelta(
  after: Record<string, { calls: number; usec: number }>,
  before: Record<string, { calls: number; usec: number }>,
  per: number,
  top = 8,
): Array<{ command: string; calls: number; usec: number; callsPer: number; usecPer: number }> {
  return Object.entries(after)
    .map(([command, stat]) => {
      const calls = stat.calls - (before[command]?.calls ?? 0);
      const usec = stat.usec - (before[command]?.usec ?? 0);
      return { command, calls, usec, callsPer: per > 0 ? round3(calls / per) : 0, usecPer: per > 0 ? round3(usec / per) : 0 };
    })
    .filter((row) => row.calls > 0)
    .sort((a, b) => b.usec - a.usec)
    .slice(0, top);
}

function round3(value: number): number {
  return Math.round(value * 1000) / 1000;
}

export interface Machine {
  cores: number;
  cpuModel: string;
  memoryGb: number;
  node: string;
  redis: string;
  postgres: string;
  postgresSettings: Record<string, string>;
  bullmq: string;
  autocannon: string;
  /** The peers' libraries (scenario peers). */
  graphileWorker: string;
  pgBoss: string;
  os: string;
  loadAverageAtStart: number[];
  git: { commit: string; dirty: string[] };
}

export async function machine(redis: Redis, databaseUrl: string): Promise<Machine> {
  const server = await redisInfo(redis, 'server');
  const postgres = await withClient(databaseUrl, async (client) => {
    const version = (await client.query<{ server_version: string }>('SHOW server_version')).rows[0].server_version;
    const settings: Record<string, string> = {};
    for (const name of ['shared_buffers', 'synchronous_commit', 'fsync', 'max_connections', 'work_mem']) {
      settings[name] = (await client.query(`SHOW ${name}`)).rows[0][name];
    }
    return { version, settings };
  });
  const version = async (pkg: string) => JSON.parse(await readFile(join(ROOT, 'node_modules', pkg, 'package.json'), 'utf8')).version as string;
  const git = (args: string[]) => {
    try {
      return execFileSync('git', args, { cwd: ROOT, encoding: 'utf8' }).trim();
    } catch {
      return '';
    }
  };
  let os = '';
  try {
    os = (await readFile('/etc/os-release', 'utf8')).match(/PRETTY_NAME="([^"]+)"/)?.[1] ?? '';
  } catch {
    // not Linux
  }
  return {
    cores: cpus().length,
    cpuModel: cpus()[0]?.model ?? 'unknown',
    memoryGb: Math.round((totalmem() / 2 ** 30) * 10) / 10,
    node: process.version,
    redis: server.redis_version ?? 'unknown',
    postgres: postgres.version,
    postgresSettings: postgres.settings,
    bullmq: await version('bullmq'),
    autocannon: await version('autocannon'),
    graphileWorker: await version('graphile-worker'),
    pgBoss: await version('pg-boss'),
    os,
    loadAverageAtStart: loadavg().map((value) => Math.round(value * 100) / 100),
    git: {
      commit: git(['rev-parse', 'HEAD']),
      dirty: git(['status', '--porcelain', '--', 'packages', 'examples'])
        .split('\n')
        .filter(Boolean),
    },
  };
}
