import { type Context, loadSummary } from '../harness.js';
import { FANOUT_QUEUES } from '../catalog.js';
import { backlog, redisInfo } from '../infra.js';
import { rssMb, sleep } from '../processes.js';
import { round } from '../stats.js';
import type { BenchResults } from '../run.js';

/** RSS of api and worker and Redis used_memory over a sustained run at 50 % of the end-to-end maximum. */
export async function memory(ctx: Context, results: BenchResults): Promise<Record<string, unknown>> {
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
      // only grow the RSS (8 bytes × 4 per job in the worker, × 3 per event in the API), so drop them at every sample.
      await worker.ask({ type: 'reset' });
      await api.ask({ type: 'reset' }); // the same for the API's ingest stages (ingest-stages.ts)
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
}
