import type { Context } from '../harness.js';
import { FANOUT_QUEUES } from '../catalog.js';

/** Our worker draining pre-filled fan-out queues (no-op handlers), as the raw BullMQ worker does. */
export async function drain(ctx: Context): Promise<Record<string, unknown>> {
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
}
