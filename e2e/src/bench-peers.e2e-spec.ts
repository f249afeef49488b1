// The benchmark's durable peers (bench/src/peers/) give the guarantee our
// ingest gives, or comparing their throughput with ours would flatter them:
// one Idempotency-Key stores one event with its three jobs, however often and
// however concurrently it is sent. Drives the peers' API processes over HTTP
// on a database of the spec's own and counts the rows.
import { INTERNAL_CONDITION, queryRows, scratchDatabase, testRedisUrl } from '@switchyard/testing';
import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';

const root = join(__dirname, '..', '..');
const QUEUES = ['bench-a', 'bench-b', 'bench-c'];

interface Api {
  url: string;
  stop(): Promise<void>;
}

/** Starts a peer's API (bench/dist/peers/<entry>) and resolves once it says which port it listens on. */
function startApi(entry: string, databaseUrl: string): Promise<Api> {
  const spec = { role: 'api', databaseUrl, redisUrl: testRedisUrl(), prefix: '{bench-peers-spec}', queues: QUEUES, concurrency: 20 };
  const child: ChildProcess = spawn(process.execPath, [INTERNAL_CONDITION, join(root, 'bench', 'dist', 'peers', entry), JSON.stringify(spec)], {
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '' },
    stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
  });
  let output = '';
  child.stdout?.on('data', (chunk) => (output += chunk));
  child.stderr?.on('data', (chunk) => (output += chunk));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${entry} not ready in 30 s:\n${output}`)), 30_000);
    void exited.then(() => reject(new Error(`${entry} exited before it was ready:\n${output}`)));
    child.on('message', (message: { type?: string; port?: number }) => {
      if (message.type !== 'ready') return;
      clearTimeout(timer);
      resolve({
        url: `http://127.0.0.1:${message.port}/v1/events`,
        async stop() {
          child.kill('SIGTERM');
          await exited;
        },
      });
    });
  });
}

async function post(url: string, body: string, key?: string): Promise<{ status: number; answer: Record<string, unknown> }> {
  const response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...(key ? { 'idempotency-key': key } : {}) }, body });
  return { status: response.status, answer: (await response.json()) as Record<string, unknown> };
}

const order = (n: number) =>
  JSON.stringify({ type: 'order.placed', source: 'urn:bench:checkout', subject: `ord_${n}`, data: { orderId: `ord_${n}`, total: 4500, bench: { sentAt: Date.now() } } });

const PEERS = [
  { name: 'graphile-worker', entry: 'graphile.main.js', events: 'peers.graphile_events', jobs: `SELECT payload->'event'->>'id' AS event_id FROM graphile_worker._private_jobs` },
  { name: 'pg-boss', entry: 'pg-boss.main.js', events: 'peers.pg_boss_events', jobs: `SELECT data->'event'->>'id' AS event_id FROM pgboss.job` },
];

describe('benchmark peers: one event and three jobs per Idempotency-Key', () => {
  let database: Awaited<ReturnType<typeof scratchDatabase>>;
  before(async () => {
    database = await scratchDatabase('bench_peers');
  });
  after(async () => {
    await database?.drop();
  });

  for (const peer of PEERS) {
    it(`${peer.name}: a key sent eight times at once stores one event and three jobs`, { timeout: 60_000 }, async () => {
      const api = await startApi(peer.entry, database.url);
      try {
        const same = await Promise.all(Array.from({ length: 8 }, () => post(api.url, order(1), 'key-1')));
        assert.deepEqual(same.map(({ status }) => status), Array(8).fill(202));
        const stored = same.filter(({ answer }) => typeof answer.id === 'string');
        assert.equal(stored.length, 1, `one request stored the event: ${JSON.stringify(same.map(({ answer }) => answer))}`);
        assert.equal(same.filter(({ answer }) => answer.duplicate === true).length, 7);
        assert.equal((await post(api.url, order(2), 'key-2')).status, 202);
        assert.equal((await post(api.url, order(3))).status, 202, 'without a key');
        assert.equal((await post(api.url, '{not json')).status, 400);

        const events = await queryRows<{ id: string; idempotency_key: string | null }>(database.url, `SELECT id::text, idempotency_key FROM ${peer.events}`);
        assert.deepEqual(events.map((event) => event.idempotency_key).sort(), ['key-1', 'key-2', null].sort());
        const jobs = await queryRows<{ event_id: string }>(database.url, peer.jobs);
        assert.equal(jobs.length, 9);
        for (const event of events) assert.equal(jobs.filter((job) => job.event_id === event.id).length, 3, `three jobs for ${event.idempotency_key}`);
        assert.equal(jobs.filter((job) => job.event_id === stored[0].answer.id).length, 3);
      } finally {
        await api.stop();
      }
    });
  }
});
