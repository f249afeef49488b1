import type { Context } from '../harness.js';
import { FANOUT_QUEUES } from '../catalog.js';
import { deleteKeys } from '../infra.js';
import { runToResult, startProcess } from '../processes.js';
import { round } from '../stats.js';

/** Raw BullMQ: Queue.add, addBulk(100), addBulk(1000), and a worker draining pre-filled queues. */
export async function baseline(ctx: Context): Promise<Record<string, unknown>> {
  const s = ctx.settings;
  const common = { redisUrl: ctx.options.redisUrl, prefix: ctx.rawPrefix, queues: FANOUT_QUEUES };
  const produce = async (spec: Record<string, unknown>) => {
    await deleteKeys(ctx.redis, ctx.rawPrefix);
    const result = await runToResult<{ added: number; seconds: number; jobsPerSec: number }>('bullmq.main.js', { ...common, ...spec });
    await deleteKeys(ctx.redis, ctx.rawPrefix);
    return { jobsPerSec: round(result.jobsPerSec), jobs: result.added, seconds: round(result.seconds) };
  };
  await produce({ mode: 'add', seconds: s.warmupSeconds, inFlight: s.addInFlight });
  const add = await produce({ mode: 'add', seconds: s.addSeconds, inFlight: s.addInFlight });
  ctx.log(`   Queue.add: ${add.jobsPerSec} jobs/s (${s.addInFlight} in flight)`);
  const addBulk: Record<string, unknown> = {};
  for (const size of s.batchSizes) {
    addBulk[size] = await produce({ mode: 'addBulk', bulk: size, seconds: s.addSeconds, inFlight: s.batchConnections });
    ctx.log(`   Queue.addBulk(${size}): ${(addBulk[size] as { jobsPerSec: number }).jobsPerSec} jobs/s`);
  }
  await runToResult('bullmq.main.js', { ...common, mode: 'fill', total: s.drainJobs });
  const worker = await ctx.measureDrain(
    FANOUT_QUEUES,
    s.drainJobs,
    () =>
      startProcess('raw BullMQ worker', 'bullmq.main.js', {
        env: {},
        args: [JSON.stringify({ ...common, mode: 'worker', concurrency: s.workerConcurrency })],
      }),
    ctx.rawPrefix,
  );
  ctx.log(`   Worker (3 queues × ${s.workerConcurrency}): ${worker.jobsPerSec} jobs/s`);
  await deleteKeys(ctx.redis, ctx.rawPrefix);
  return { queueAdd: { ...add, inFlight: s.addInFlight }, addBulk, worker: { ...worker, queues: FANOUT_QUEUES.length, concurrency: s.workerConcurrency } };
}
