import { type Context, loadSummary, profiled } from '../harness.js';
import { round } from '../stats.js';

/** POST /v1/events/batch with 100 and 1,000 events a call, closed loop. */
export async function batch(ctx: Context): Promise<Record<string, unknown>> {
  const s = ctx.settings;
  const api = await ctx.startApi('batch');
  const out: Record<string, unknown> = {};
  try {
    for (const size of s.batchSizes) {
      await ctx.closed(`${api.url}/batch`, { kind: 'batch', batchSize: size, connections: s.batchConnections, seconds: s.warmupSeconds });
      await ctx.cleanRedis();
      await ctx.truncate();
      const run = await profiled(
        ctx,
        { api: api.pid },
        () => ctx.closed(`${api.url}/batch`, { kind: 'batch', batchSize: size, connections: s.batchConnections, seconds: s.batchSeconds }),
        (r) => r.ok * size,
      );
      const stored = await ctx.count('SELECT count(*) AS n FROM switchyard.events');
      const eventsPerSec = stored / run.result.seconds;
      ctx.log(`   ${size} per call: ${round(eventsPerSec)} events/s (${round(run.result.okPerSec)} calls/s, p50 ${run.result.latencyMs.p50} ms, p99 ${run.result.latencyMs.p99} ms)`);
      out[size] = {
        eventsPerSec: round(eventsPerSec),
        jobsPerSec: round(eventsPerSec * 3),
        callsPerSec: round(run.result.okPerSec),
        eventsStored: stored,
        connections: s.batchConnections,
        ...loadSummary(run.result),
        cost: run.cost,
      };
      await ctx.cleanRedis();
      await ctx.truncate();
    }
    return out;
  } finally {
    await ctx.stop(api);
  }
}
