import { FANOUT_QUEUES } from '../catalog.js';
import type { Context, WorkerLatency } from '../harness.js';
import { loadSummary } from '../harness.js';
import { peerLatencyAt } from '../peers/latency.js';
import type { BenchResults } from '../run.js';
import { describePauses, type ProcessPauses } from '../process-pauses.js';
import type { LatencySummary } from '../stats.js';

/** The API's share of sent → handler start: sent → store call, the store, the publish (ingest-stages.ts). */
interface IngestStages {
  stages: Record<'receive' | 'store' | 'publish', LatencySummary>;
  pauses: ProcessPauses;
}

/**
 * Sent → handler start at fixed paced rates (and at half of this run's
 * end-to-end maximum, when it was measured), split into where the time went:
 * the request up to the store (HTTP, validation, the group commit's wait),
 * the store (one statement and its commit), the publish (addBulk), BullMQ's
 * pickup (job created → active) and the runner (active → handler start).
 * Then raw BullMQ behind HTTP at the same rates, the reference the targets
 * are set against.
 */
export async function latency(ctx: Context, results: BenchResults): Promise<Record<string, unknown>> {
  const s = ctx.settings;
  const max = results.scenarios.endToEnd?.maxSustainedEventsPerSec as number | undefined;
  const rates = [...new Set([...s.latencyRates, ...(max ? [Math.round(max / 2)] : [])])].sort((a, b) => a - b);
  const ours = await switchyardAt(ctx, rates);
  const raw = await peerLatencyAt(ctx, 'bullmq', rates);
  return {
    rates: ours.map((row, i) => {
      const reference = raw[i];
      const difference = (p: 'p50' | 'p99') => Math.round((row.sentToHandlerStartMs[p] - reference.sentToHandlerStartMs[p]) * 100) / 100;
      return { ...row, rawBullmq: reference, minusRawMs: { p50: difference('p50'), p99: difference('p99') } };
    }),
  };
}

async function switchyardAt(ctx: Context, rates: number[]) {
  const s = ctx.settings;
  await ctx.truncate();
  await ctx.cleanRedis();
  const api = await ctx.startApi('latency');
  const worker = await ctx.startWorker('latency', 'fanout');
  const out = [];
  try {
    await ctx.paced(api.url, rates[0], s.warmupSeconds);
    await ctx.waitForDrain(FANOUT_QUEUES, 300_000);
    for (const rate of rates) {
      const before = (await worker.ask<WorkerLatency>({ type: 'reset' })).started;
      await api.ask({ type: 'reset' });
      const load = await ctx.paced(api.url, rate, s.latencySeconds);
      await ctx.waitForDrain(FANOUT_QUEUES, 300_000);
      const measured = await worker.ask<WorkerLatency>({ type: 'latency' });
      const ingest = await api.ask<IngestStages>({ type: 'stages' });
      const stages = { ...ingest.stages, ...measured.stages };
      ctx.log(
        `   ${rate}/s: sent → handler start p50 ${measured.fromSent.p50} / p99 ${measured.fromSent.p99} ms; ` +
          Object.entries(stages).map(([stage, summary]) => `${stage} ${summary.p50}/${summary.p99}`).join(', ') +
          ` ms; 202 p50 ${load.latencyMs.p50} ms\n     api ${describePauses(ingest.pauses)}\n     worker ${describePauses(measured.pauses)}`,
      );
      out.push({
        ratePerSec: rate,
        ingest: loadSummary(load),
        jobsStarted: measured.started - before,
        sentToHandlerStartMs: measured.fromSent,
        stagesMs: stages,
        // Over the rate and the drain after it: what could have stalled an event in each process.
        pauses: { api: ingest.pauses, worker: measured.pauses },
      });
    }
    return out;
  } finally {
    await ctx.stop(worker);
    await ctx.stop(api);
    await ctx.cleanRedis();
  }
}
