import type { Percentiles } from '@switchyard/core/contracts';

/**
 * Upper bounds (ms) of the duration bins used for wait and processing time,
 * both in the Redis time series and in the Prometheus histograms. A 1-2-5
 * ladder from 1 ms to an hour: percentiles read from it are estimates within
 * a bin, which is what a dashboard needs and what stays O(1) per job.
 */
export const DURATION_BOUNDS_MS = [
  1, 2, 5, 10, 20, 50, 100, 200, 500, 1_000, 2_000, 5_000, 10_000, 20_000, 30_000, 60_000, 120_000, 300_000, 600_000, 1_800_000, 3_600_000,
];

/** The bin of a duration: the first bound it does not exceed; the last bin holds everything longer. */
export function binOf(ms: number): number {
  for (let i = 0; i < DURATION_BOUNDS_MS.length; i++) if (ms <= DURATION_BOUNDS_MS[i]) return i;
  return DURATION_BOUNDS_MS.length;
}

/** p50/p95/p99 from bin counts, interpolating linearly inside the bin. */
export function percentilesOf(counts: number[]): Percentiles {
  const total = counts.reduce((sum, count) => sum + count, 0);
  if (total === 0) return { p50: null, p95: null, p99: null };
  const at = (quantile: number): number => {
    const rank = quantile * total;
    let seen = 0;
    for (let bin = 0; bin < counts.length; bin++) {
      if (counts[bin] === 0) continue;
      if (seen + counts[bin] >= rank) {
        const lower = bin === 0 ? 0 : DURATION_BOUNDS_MS[bin - 1];
        const upper = DURATION_BOUNDS_MS[bin] ?? DURATION_BOUNDS_MS[DURATION_BOUNDS_MS.length - 1] * 2;
        return Math.round(lower + ((rank - seen) / counts[bin]) * (upper - lower));
      }
      seen += counts[bin];
    }
    return DURATION_BOUNDS_MS[DURATION_BOUNDS_MS.length - 1];
  };
  return { p50: at(0.5), p95: at(0.95), p99: at(0.99) };
}
