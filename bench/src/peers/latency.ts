// Sent → handler start through a peer, at paced rates: what a latency
// scenario compares with Switchyard's endToEnd figures.
import { type Context, loadSummary, type WorkerLatency } from '../harness.js';
import { describePauses } from '../process-pauses.js';
import type { LatencySummary } from '../stats.js';
import { type Peer, resetPeer, startPeer, waitForPeerDrain } from './start.js';

export interface PeerLatency {
  ratePerSec: number;
  seconds: number;
  ingest: ReturnType<typeof loadSummary>;
  /** Date.now() in the handler − data.bench.sentAt (the load generator's send time); same host clock. */
  sentToHandlerStartMs: LatencySummary;
  /** Date.now() in the handler − when the peer stored (Postgres now()) or queued (the API's clock) the event. */
  acceptedToHandlerStartMs: LatencySummary;
  /** The worker's share, where the peer runs on BullMQ (created → active, active → start); empty summaries otherwise. */
  stagesMs: WorkerLatency['stages'];
  /** The peer worker's event-loop lateness and GC pauses over the rate and its drain. */
  workerPauses: WorkerLatency['pauses'];
  /** Three per accepted event. */
  jobsExpected: number;
  jobsStarted: number;
  /** Whether every job had finished within ctx.settings.peerDrainSeconds of the last request; if not, the summaries leave the rest out. */
  drained: boolean;
}

/**
 * Runs the peer's API and worker together and, for each rate, offers it for
 * `seconds` with the open-loop generator, waits for the jobs to finish and
 * reads what the worker's handlers recorded. A warm-up at the first rate
 * comes first; the peer is emptied between rates.
 */
export async function peerLatencyAt(ctx: Context, peer: Peer, rates: number[], seconds = ctx.settings.latencySeconds): Promise<PeerLatency[]> {
  const s = ctx.settings;
  const api = await startPeer(ctx, peer, 'api');
  const worker = await startPeer(ctx, peer, 'worker').catch(async (error) => {
    await ctx.stop(api);
    throw error;
  });
  const drainMs = s.peerDrainSeconds * 1000;
  const results: PeerLatency[] = [];
  try {
    await resetPeer(ctx, peer);
    if (rates.length > 0) {
      await ctx.paced(api.url, rates[0], s.warmupSeconds);
      await waitForPeerDrain(ctx, peer, drainMs);
      await resetPeer(ctx, peer);
    }
    for (const rate of rates) {
      const before = (await worker.ask<WorkerLatency>({ type: 'reset' })).started;
      const load = await ctx.paced(api.url, rate, seconds);
      const drained = await waitForPeerDrain(ctx, peer, drainMs);
      const latency = await worker.ask<WorkerLatency>({ type: 'latency' });
      await resetPeer(ctx, peer);
      const result: PeerLatency = {
        ratePerSec: Math.round(rate),
        seconds,
        ingest: loadSummary(load),
        sentToHandlerStartMs: latency.fromSent,
        acceptedToHandlerStartMs: latency.fromAccepted,
        stagesMs: latency.stages,
        workerPauses: latency.pauses,
        jobsExpected: load.ok * 3,
        jobsStarted: latency.started - before,
        drained,
      };
      ctx.log(
        `   ${peer} at ${result.ratePerSec}/s: sent → handler start p50 ${result.sentToHandlerStartMs.p50} ms, p99 ${result.sentToHandlerStartMs.p99} ms (${result.jobsStarted}/${result.jobsExpected} jobs started${drained ? '' : `, not drained within ${s.peerDrainSeconds} s`}); worker ${describePauses(latency.pauses)}`,
      );
      results.push(result);
    }
    return results;
  } finally {
    await ctx.stop(worker);
    await ctx.stop(api);
    await resetPeer(ctx, peer).catch(() => undefined);
  }
}
