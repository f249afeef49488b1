import { type Context, judgeLoad, loadSummary, profiled, searchMaxRate } from '../harness.js';
import { peerLatencyAt } from '../peers/latency.js';
import { postgresCeiling } from '../peers/postgres-ceiling.js';
import { type Peer, PEERS, peerStored, resetPeer, startPeer } from '../peers/start.js';
import { round } from '../stats.js';

/** Result keys: the peers' names as identifiers. */
const PEER_KEYS: Record<Peer, string> = { bullmq: 'bullmqHttp', 'graphile-worker': 'graphileWorker', 'pg-boss': 'pgBoss' };

/** A peer's API alone (no worker), measured as our ingest is: closed-loop probe with its cost, then the highest sustained rate. */
async function peerIngest(ctx: Context, peer: Peer): Promise<Record<string, unknown>> {
  const s = ctx.settings;
  const api = await startPeer(ctx, peer, 'api');
  try {
    await ctx.closed(api.url, { connections: s.probeConnections, seconds: s.warmupSeconds });
    await resetPeer(ctx, peer);
    const probe = await profiled(ctx, { api: api.pid }, () => ctx.closed(api.url, { connections: s.probeConnections, seconds: s.probeSeconds }), (r) => r.ok);
    const stored = await peerStored(ctx, peer);
    ctx.log(
      `   ${peer}: closed loop, ${s.probeConnections} connections: ${round(probe.result.okPerSec)} events/s (p50 ${probe.result.latencyMs.p50} ms, p99 ${probe.result.latencyMs.p99} ms); ${stored.events ?? '—'} events, ${stored.jobs} jobs stored`,
    );
    await resetPeer(ctx, peer);
    const search = await searchMaxRate(ctx, probe.result.okPerSec, async (rate) => {
      const load = await ctx.paced(api.url, rate, s.stepSeconds);
      const jobs = (await peerStored(ctx, peer)).jobs;
      const why = judgeLoad(rate, load);
      await resetPeer(ctx, peer);
      return { rate, pass: why.length === 0, okPerSec: load.okPerSec, p50: load.latencyMs.p50 ?? NaN, p99: load.latencyMs.p99 ?? NaN, backlog: jobs, why: why.join('; ') };
    });
    ctx.log(`   ${peer}: max sustained ${search.max} events/s`);
    return {
      maxSustainedEventsPerSec: search.max,
      maxSustainedJobsPerSec: search.max * 3,
      closedLoop: { connections: s.probeConnections, ...loadSummary(probe.result), eventsStored: stored.events, jobsStored: stored.jobs, cost: probe.cost },
      search: search.steps,
    };
  } finally {
    await ctx.stop(api);
    await resetPeer(ctx, peer).catch(() => undefined);
  }
}

/**
 * What teams would use instead (issue 18), on this machine in this run: raw
 * BullMQ, graphile-worker and pg-boss behind minimal HTTP endpoints, each
 * measured as our ingest is, then with their workers for sent → handler start;
 * and the Postgres ceiling (pgbench writing our own rows).
 */
export async function peers(ctx: Context): Promise<Record<string, unknown>> {
  const s = ctx.settings;
  const out: Record<string, unknown> = {};
  for (const peer of PEERS) {
    const ingest = await peerIngest(ctx, peer);
    const latency = await peerLatencyAt(ctx, peer, s.peerLatencyRates);
    out[PEER_KEYS[peer]] = { ...ingest, latency };
  }
  const ceiling: Record<string, unknown> = {};
  for (const clients of s.ceilingClients) {
    const run = await postgresCeiling(ctx, clients, s.probeSeconds);
    ceiling[`clients${clients}`] = run;
    if (!('error' in run)) ctx.log(`   Postgres ceiling, pgbench ${clients} client${clients === 1 ? '' : 's'}: ${run.eventsPerSec} events/s (${run.jobsPerSec} jobs/s), latency ${run.latencyAverageMs} ms`);
  }
  // Our ingest also claims the Idempotency-Key in its own table: the same
  // ceiling with that row, at the most clients.
  const most = Math.max(...s.ceilingClients);
  const keyed = await postgresCeiling(ctx, most, s.probeSeconds, { idempotencyKey: true });
  ceiling[`clients${most}WithIdempotencyKey`] = keyed;
  if (!('error' in keyed)) ctx.log(`   Postgres ceiling with the idempotency key row, ${most} clients: ${keyed.eventsPerSec} events/s`);
  out.postgresCeiling = ceiling;
  return out;
}
