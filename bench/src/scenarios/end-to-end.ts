import { type Context, type WorkerLatency, searchMaxRate, judgeLoad, loadSummary, profiled } from '../harness.js';
import { FANOUT_QUEUES } from '../catalog.js';
import { backlog } from '../infra.js';
import { round } from '../stats.js';

/** API and a worker with no-op handlers: the highest rate both keep up with, and accepted → handler start. */
export async function endToEnd(ctx: Context): Promise<Record<string, unknown>> {
  const s = ctx.settings;
  await ctx.truncate();
  const api = await ctx.startApi('e2e');
  const worker = await ctx.startWorker('e2e', 'fanout');
  try {
    await ctx.closed(api.url, { connections: s.probeConnections, seconds: s.warmupSeconds });
    await ctx.waitForDrain(FANOUT_QUEUES);
    const startedBefore = (await worker.ask<WorkerLatency>({ type: 'latency' })).started;
    const probe = await profiled(
      ctx,
      { api: api.pid, worker: worker.pid },
      () => ctx.closed(api.url, { connections: s.probeConnections, seconds: s.probeSeconds }),
      (r) => r.ok,
    );
    const completedInProbe = (await worker.ask<WorkerLatency>({ type: 'latency' })).started - startedBefore;
    const probeBacklog = await backlog(ctx.redis, ctx.options.prefix, FANOUT_QUEUES);
    ctx.log(
      `   closed loop: ${round(probe.result.okPerSec)} events/s accepted, ${round(completedInProbe / probe.result.seconds)} jobs/s started, backlog ${probeBacklog} at the end`,
    );
    await ctx.waitForDrain(FANOUT_QUEUES, 300_000);
    const search = await searchMaxRate(ctx, probe.result.okPerSec, async (rate) => {
      const before = (await worker.ask<WorkerLatency>({ type: 'latency' })).started;
      const load = await ctx.paced(api.url, rate, s.stepSeconds);
      const left = await backlog(ctx.redis, ctx.options.prefix, FANOUT_QUEUES);
      const done = (await worker.ask<WorkerLatency>({ type: 'latency' })).started - before;
      const why = judgeLoad(rate, load);
      if (left > Math.max(200, rate * 3 * 0.5)) why.push(`${left} jobs waiting at the end (workers fell behind)`);
      await ctx.waitForDrain(FANOUT_QUEUES, 300_000);
      return { rate, pass: why.length === 0, okPerSec: load.okPerSec, p50: load.latencyMs.p50 ?? NaN, p99: load.latencyMs.p99 ?? NaN, backlog: left, why: why.join('; ') || `${done} jobs started` };
    });
    const rate = Math.max(1, search.max * 0.5);
    await worker.ask({ type: 'reset' });
    const before = (await worker.ask<WorkerLatency>({ type: 'latency' })).started;
    const half = await profiled(ctx, { api: api.pid, worker: worker.pid }, () => ctx.paced(api.url, rate, s.latencySeconds), (r) => r.ok);
    await ctx.waitForDrain(FANOUT_QUEUES, 300_000);
    const latency = await worker.ask<WorkerLatency>({ type: 'latency' });
    const completed = latency.started - before;
    ctx.log(
      `   at 50 % (${Math.round(rate)}/s): accepted → handler start p50 ${latency.fromAccepted.p50} ms, p95 ${latency.fromAccepted.p95} ms, p99 ${latency.fromAccepted.p99} ms`,
    );
    return {
      maxSustainedEventsPerSec: search.max,
      maxSustainedJobsPerSec: search.max * 3,
      closedLoop: {
        connections: s.probeConnections,
        ...loadSummary(probe.result),
        jobsStartedPerSec: round(completedInProbe / probe.result.seconds),
        backlogAtEnd: probeBacklog,
        cost: probe.cost,
      },
      search: search.steps,
      at50: {
        ratePerSec: Math.round(rate),
        ingest: loadSummary(half.result),
        jobsCompleted: completed,
        acceptedToHandlerStartMs: latency.fromAccepted,
        sentToHandlerStartMs: latency.fromSent,
        cost: half.cost,
      },
    };
  } finally {
    await ctx.stop(worker);
    await ctx.stop(api);
    await ctx.cleanRedis();
  }
}
