import { type Context, searchMaxRate, judgeLoad, loadSummary, profiled } from '../harness.js';
import { FANOUT_QUEUES } from '../catalog.js';
import { backlog } from '../infra.js';
import { round } from '../stats.js';

/** POST /v1/events, order.placed, three-way fan-out, no workers. */
export async function ingest(ctx: Context): Promise<Record<string, unknown>> {
  const s = ctx.settings;
  const api = await ctx.startApi('ingest');
  const reset = async () => {
    await ctx.cleanRedis();
    await ctx.truncate();
  };
  try {
    await ctx.closed(api.url, { connections: s.probeConnections, seconds: s.warmupSeconds });
    await reset();
    const probe = await profiled(ctx, { api: api.pid }, () => ctx.closed(api.url, { connections: s.probeConnections, seconds: s.probeSeconds }), (r) => r.ok);
    const stored = await ctx.count('SELECT count(*) AS n FROM switchyard.events');
    const jobs = await ctx.count('SELECT count(*) AS n FROM switchyard.jobs');
    const queued = await backlog(ctx.redis, ctx.options.prefix, FANOUT_QUEUES);
    ctx.log(`   closed loop, ${s.probeConnections} connections: ${round(probe.result.okPerSec)} events/s (p50 ${probe.result.latencyMs.p50} ms, p99 ${probe.result.latencyMs.p99} ms)`);
    await reset();
    const noKeys = await ctx.closed(api.url, { connections: s.probeConnections, seconds: s.probeSeconds, keys: false });
    ctx.log(`   closed loop without Idempotency-Key: ${round(noKeys.okPerSec)} events/s`);
    await reset();
    const search = await searchMaxRate(ctx, probe.result.okPerSec, async (rate) => {
      const load = await ctx.paced(api.url, rate, s.stepSeconds);
      const outbox = await ctx.count('SELECT count(*) AS n FROM switchyard.jobs WHERE published_at IS NULL');
      const why = judgeLoad(rate, load);
      if (outbox > rate * 3 * 0.5) why.push(`${outbox} outbox rows unpublished`);
      await reset();
      return { rate, pass: why.length === 0, okPerSec: load.okPerSec, p50: load.latencyMs.p50 ?? NaN, p99: load.latencyMs.p99 ?? NaN, backlog: outbox, why: why.join('; ') };
    });
    const at = async (share: number) => {
      const load = await ctx.paced(api.url, Math.max(1, search.max * share), s.latencySeconds);
      await reset();
      ctx.log(`   at ${share * 100} % (${Math.round(search.max * share)}/s): p50 ${load.latencyMs.p50} ms, p99 ${load.latencyMs.p99} ms`);
      return loadSummary(load);
    };
    return {
      maxSustainedEventsPerSec: search.max,
      maxSustainedJobsPerSec: search.max * 3,
      closedLoop: { connections: s.probeConnections, ...loadSummary(probe.result), eventsStored: stored, jobsStored: jobs, jobsQueued: queued, cost: probe.cost },
      closedLoopWithoutIdempotencyKey: { connections: s.probeConnections, ...loadSummary(noKeys) },
      search: search.steps,
      at50: await at(0.5),
      at80: await at(0.8),
    };
  } finally {
    await ctx.stop(api);
    await ctx.cleanRedis();
  }
}
