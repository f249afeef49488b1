/** Percentile (0..100) of `values` by nearest rank; NaN when empty. Sorts a copy. */
export function percentile(values: ArrayLike<number>, p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = Float64Array.from(values as ArrayLike<number>).sort();
  return sortedPercentile(sorted, p);
}

export function sortedPercentile(sorted: ArrayLike<number>, p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[rank];
}

export interface LatencySummary {
  count: number;
  mean: number;
  p50: number;
  p90: number;
  p95: number;
  p99: number;
  max: number;
}

export function summarise(values: ArrayLike<number>): LatencySummary {
  const sorted = Float64Array.from(values as ArrayLike<number>).sort();
  let sum = 0;
  for (const value of sorted) sum += value;
  return {
    count: sorted.length,
    mean: round(sorted.length ? sum / sorted.length : Number.NaN),
    p50: round(sortedPercentile(sorted, 50)),
    p90: round(sortedPercentile(sorted, 90)),
    p95: round(sortedPercentile(sorted, 95)),
    p99: round(sortedPercentile(sorted, 99)),
    max: round(sorted.length ? sorted[sorted.length - 1] : Number.NaN),
  };
}

/** Rounds to 2 decimals (3 below 1), keeping NaN as null-ish NaN for the caller to spot. */
export function round(value: number, digits = value !== 0 && Math.abs(value) < 1 ? 3 : 2): number {
  if (!Number.isFinite(value)) return value;
  const factor = 10 ** digits;
  return Math.round(value * factor) / factor;
}

/** A growable Float64 buffer: samples without per-sample allocation. */
export class Samples {
  private data = new Float64Array(1024);
  length = 0;

  push(value: number): void {
    if (this.length === this.data.length) {
      const next = new Float64Array(this.data.length * 2);
      next.set(this.data);
      this.data = next;
    }
    this.data[this.length++] = value;
  }

  values(): Float64Array {
    return this.data.subarray(0, this.length);
  }

  clear(): void {
    this.length = 0;
  }
}

/** Milliseconds since the epoch with sub-millisecond resolution, comparable across processes on one host. */
export function preciseNow(): number {
  return performance.timeOrigin + performance.now();
}
