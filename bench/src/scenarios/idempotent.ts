import type { Context } from '../harness.js';
import { GUARDED_QUEUE, SINGLE_QUEUE } from '../catalog.js';
import { round } from '../stats.js';

/** One queue, one handler: no-op vs one row written through ctx.once(). */
export async function idempotent(ctx: Context): Promise<Record<string, unknown>> {
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
}
