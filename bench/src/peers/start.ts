// How a scenario runs a peer: start its api or worker process, count what it
// stored, wait for its jobs to be done, empty it between steps.
import { FANOUT_QUEUES } from '../catalog.js';
import type { Context } from '../harness.js';
import { backlog, deleteKeys, withClient } from '../infra.js';
import { type Started, sleep } from '../processes.js';
import type { PeerSpec } from './process.js';
import { GRAPHILE_TABLES, PG_BOSS_TABLES, type PeerTables } from './sql.js';

/** What teams would use instead of Switchyard (issue 18). */
export const PEERS = ['bullmq', 'graphile-worker', 'pg-boss'] as const;
export type Peer = (typeof PEERS)[number];
export type PeerRole = 'api' | 'worker';

const ENTRIES: Record<Peer, string> = {
  bullmq: 'peers/bullmq-http.main.js',
  'graphile-worker': 'peers/graphile.main.js',
  'pg-boss': 'peers/pg-boss.main.js',
};

const TABLES: Partial<Record<Peer, PeerTables>> = { 'graphile-worker': GRAPHILE_TABLES, 'pg-boss': PG_BOSS_TABLES };

export type StartedApi = Started & { url: string; origin: string };

/**
 * Starts a peer's API (answers once it listens; `.url` is its POST
 * /v1/events) or worker (once it is consuming), on the benchmark's database,
 * Redis and fan-out queues, with the node flags of Switchyard's processes.
 */
export async function startPeer(ctx: Context, peer: Peer, role: 'api'): Promise<StartedApi>;
export async function startPeer(ctx: Context, peer: Peer, role: 'worker'): Promise<Started>;
export async function startPeer(ctx: Context, peer: Peer, role: PeerRole): Promise<Started | StartedApi> {
  const spec: PeerSpec = {
    role,
    databaseUrl: ctx.options.databaseUrl,
    redisUrl: ctx.options.redisUrl,
    prefix: ctx.peerPrefix,
    queues: FANOUT_QUEUES,
    concurrency: ctx.settings.workerConcurrency,
  };
  const started = await ctx.start(`${peer} ${role}`, ENTRIES[peer], { env: {}, args: [JSON.stringify(spec)] }, `${peer}-${role}`);
  if (role === 'worker') return started;
  const origin = `http://127.0.0.1:${started.ready.port}`;
  return Object.assign(started, { origin, url: `${origin}/v1/events` });
}

async function count(ctx: Context, sql: string): Promise<number> {
  return withClient(ctx.options.databaseUrl, async (client) => Number((await client.query(sql)).rows[0].n));
}

/** Events and jobs the peer holds; raw BullMQ stores no event, so `events` is null for it. */
export async function peerStored(ctx: Context, peer: Peer): Promise<{ events: number | null; jobs: number }> {
  const tables = TABLES[peer];
  if (!tables) return { events: null, jobs: await backlog(ctx.redis, ctx.peerPrefix, FANOUT_QUEUES) };
  return { events: await count(ctx, tables.events), jobs: await count(ctx, tables.jobs) };
}

/** Jobs not finished yet (waiting, retrying, running). */
export async function peerUnfinished(ctx: Context, peer: Peer): Promise<number> {
  const tables = TABLES[peer];
  return tables ? count(ctx, tables.unfinished) : backlog(ctx.redis, ctx.peerPrefix, FANOUT_QUEUES);
}

/** Waits until the peer has no unfinished job; returns false on timeout. */
export async function waitForPeerDrain(ctx: Context, peer: Peer, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if ((await peerUnfinished(ctx, peer)) === 0) return true;
    await sleep(100);
  }
  return false;
}

/** Empties the peer's events and jobs between steps (its schema, tasks and queues stay). */
export async function resetPeer(ctx: Context, peer: Peer): Promise<void> {
  const tables = TABLES[peer];
  if (tables) await withClient(ctx.options.databaseUrl, (client) => client.query(tables.reset));
  else await deleteKeys(ctx.redis, ctx.peerPrefix);
}
