// node bench/dist/ordering.main.js [--events N (1000)] [--keys K (100)] [--ms M (5)] [--out FILE]
// Ordering per key (docs/handlers.md): does throughput across keys scale with
// concurrency while each key still runs one job at a time? For worker
// concurrency 1, 4 and 8 (and a control: every event on one key, at 8), it
// ingests N events over K keys with the worker stopped, then starts the
// worker and times the drain. The handler sleeps M ms and writes one guarded
// row per event, so the order per key is checked after each run. Run it only
// when the machine is otherwise idle: `flock -n /tmp/bench.lock node bench/dist/ordering.main.js`.
import 'reflect-metadata';
import { type DynamicModule, Module } from '@nestjs/common';
import { apiEnvSchema, createApiApp, registerApp, toApiConfig } from '@switchyard/server/internal';
import { type DomainEvent, EventHandler, type Handler, type HandlerContext, loadConfig } from '@switchyard/server/internal';
import type { PoolClient } from 'pg';
import { createWorkerApp, toWorkerConfig, workerEnvSchema } from '@switchyard/server/internal';
import { mkdir, writeFile } from 'node:fs/promises';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { z } from 'zod';
import { deleteKeys, machine, prepareDatabase, redisClient, ROOT, withClient } from './infra.js';

type Keyed = { key: string; n: number };
const events = { 'bench.keyed': z.object({ key: z.string(), n: z.int() }) };
const TABLE = `CREATE TABLE IF NOT EXISTS bench_ordered_effects (id bigserial PRIMARY KEY, key text NOT NULL, n int NOT NULL)`;

/** The ordered handler at a given concurrency: a decorator's options are fixed per class, so one class per run. */
function orderedModule(concurrency: number, sleepMs: number): DynamicModule {
  @EventHandler<Keyed>({ name: 'bench.ordered', on: 'bench.keyed', queue: 'bench-ordered', concurrency, attempts: 1, orderingKey: 'data.key' })
  class OrderedHandler implements Handler<Keyed> {
    async handle(event: DomainEvent<Keyed>, ctx: HandlerContext<PoolClient>): Promise<void> {
      await new Promise((resolve) => setTimeout(resolve, sleepMs));
      await ctx.once((tx) => tx.query('INSERT INTO bench_ordered_effects (key, n) VALUES ($1, $2)', [event.data.key, event.data.n]));
    }
  }
  @Module({ providers: [OrderedHandler] })
  class OrderedModule {}
  return { module: OrderedModule };
}

interface Run {
  concurrency: number;
  keys: number;
  events: number;
  drainSeconds: number;
  jobsPerSecond: number;
  orderViolations: number;
  loadAverage: number;
}

async function run(concurrency: number, keys: number, count: number, sleepMs: number, databaseUrl: string, redisUrl: string): Promise<Run> {
  const prefix = `{sy-bench-ordering-${process.pid}-${concurrency}-${keys}}`;
  await prepareDatabase(databaseUrl);
  await withClient(databaseUrl, async (client) => {
    await client.query(TABLE);
    await client.query('TRUNCATE bench_ordered_effects RESTART IDENTITY');
  });
  const env = {
    DATABASE_URL: databaseUrl, REDIS_URL: redisUrl, QUEUE_PREFIX: prefix, AUTH_MODE: 'off', HOST: '127.0.0.1', PORT: '0',
    LOG_LEVEL: 'warn', DATABASE_POOL_SIZE: '20', METRICS_PORT: '0', METRICS_HOST: '127.0.0.1', WORKER_ID: `bench-ordering-${concurrency}`,
  };
  const module = orderedModule(concurrency, sleepMs);
  const config = toApiConfig(loadConfig(apiEnvSchema, env));
  await registerApp({ config: config.switchyard, events, handlers: [module] });
  const api = await createApiApp({ config });
  await api.listen(0, '127.0.0.1');
  const url = (await api.getUrl()).replace('[::1]', '127.0.0.1');
  const next = new Map<string, number>();
  const all = Array.from({ length: count }, (_, i) => {
    const key = `k${i % keys}`;
    const n = next.get(key) ?? 0;
    next.set(key, n + 1);
    return { type: 'bench.keyed', data: { key, n } };
  });
  for (let start = 0; start < all.length; start += 1_000) {
    const answer = await fetch(`${url}/v1/events/batch`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(all.slice(start, start + 1_000)) });
    if (answer.status !== 207) throw new Error(`batch answered ${answer.status}: ${await answer.text()}`);
  }
  const started = Date.now();
  const worker = await createWorkerApp({ config: toWorkerConfig(loadConfig(workerEnvSchema, env)), events, handlers: [module] });
  await worker.init();
  const done = async () => withClient(databaseUrl, async (client) => (await client.query<{ n: number }>('SELECT count(*)::int AS n FROM bench_ordered_effects')).rows[0].n);
  while ((await done()) < count) await new Promise((resolve) => setTimeout(resolve, 100));
  const drainSeconds = (Date.now() - started) / 1000;
  const orderViolations = await withClient(databaseUrl, async (client) =>
    (await client.query<{ n: number }>(`SELECT count(*)::int AS n FROM (SELECT n, lag(n) OVER (PARTITION BY key ORDER BY id) AS before FROM bench_ordered_effects) x WHERE n <> before + 1`)).rows[0].n);
  await worker.close();
  await api.close();
  const redis = redisClient(redisUrl);
  await deleteKeys(redis, prefix);
  redis.disconnect();
  return { concurrency, keys, events: count, drainSeconds, jobsPerSecond: Math.round(count / drainSeconds), orderViolations, loadAverage: loadavg()[0] };
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const option = (name: string, fallback: number) => (args.includes(name) ? Number(args[args.indexOf(name) + 1]) : fallback);
  const count = option('--events', 1_000);
  const keys = option('--keys', 100);
  const sleepMs = option('--ms', 5);
  const databaseUrl = process.env.BENCH_DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/switchyard_bench_ordering';
  const redisUrl = process.env.BENCH_REDIS_URL ?? 'redis://127.0.0.1:6379';
  await prepareDatabase(databaseUrl);
  const redis = redisClient(redisUrl);
  const host = await machine(redis, databaseUrl);
  redis.disconnect();
  const runs: Run[] = [];
  for (const [concurrency, keyCount] of [[1, keys], [4, keys], [8, keys], [8, 1]]) {
    const result = await run(concurrency, keyCount, count, sleepMs, databaseUrl, redisUrl);
    console.log(`concurrency ${concurrency}, ${keyCount} keys: ${result.events} jobs in ${result.drainSeconds.toFixed(1)} s = ${result.jobsPerSecond} jobs/s; order violations ${result.orderViolations}`);
    runs.push(result);
  }
  const stamp = new Date().toISOString().replace(/\.\d+Z$/, 'Z').replace(/:/g, '-');
  const out = args.includes('--out') ? args[args.indexOf('--out') + 1] : join(ROOT, 'bench', 'results', `${stamp}-ordering.json`);
  await mkdir(join(out, '..'), { recursive: true });
  const method = `API and worker in one process; per run: ${count} events over the keys ingested in batches of 1,000 with the worker stopped, then the worker started and timed until every guarded effect row is written; the handler sleeps ${sleepMs} ms, then writes one row through ctx.once()`;
  await writeFile(out, `${JSON.stringify({ suite: 'switchyard-bench-ordering', version: 1, startedAt: new Date().toISOString(), machine: host, method, sleepMs, runs }, null, 2)}\n`);
  console.log(`results: ${out}`);
}

main().then(
  () => process.exit(0),
  (error) => {
    console.error(error);
    process.exit(1);
  },
);
