import type { Registry } from 'prom-client';

interface Series {
  labels: Record<string, string>;
  /** Counts per bin, the last bin holding everything above the highest bound. */
  bins: number[];
  sum: number;
  count: number;
}

/**
 * A Prometheus histogram that takes counts already binned, many
 * observations at a time, where prom-client's Histogram takes one
 * `observe()` per value and hashes its labels on each: for the job
 * statistics that cost more than the rest of a no-op job's bookkeeping.
 * prom-client's registry serves it and formats it like its own histograms.
 */
export class BinnedHistogram {
  readonly type = 'histogram';
  readonly aggregator = 'sum';
  private readonly series = new Map<string, Series>();

  /** `bounds`: the bins' upper bounds, in the unit exposed (seconds). */
  constructor(
    readonly name: string,
    readonly help: string,
    private readonly bounds: readonly number[],
    registry: Registry,
  ) {
    // The registry asks a metric for name, help, type and get(); see get().
    registry.registerMetric(this as unknown as Parameters<Registry['registerMetric']>[0]);
  }

  /** Adds `bins` (counts per bin, as `bounds` plus one overflow bin) and their `sum` to the series `key` labelled `labels`. */
  add(key: string, labels: Record<string, string>, bins: readonly number[], sum: number): void {
    let series = this.series.get(key);
    if (!series) this.series.set(key, (series = { labels, bins: new Array<number>(this.bounds.length + 1).fill(0), sum: 0, count: 0 }));
    for (let bin = 0; bin < bins.length; bin++) {
      series.bins[bin] += bins[bin];
      series.count += bins[bin];
    }
    series.sum += sum;
  }

  /** What prom-client's registry formats: cumulative buckets, then +Inf, sum and count per series. */
  get() {
    const values: Array<{ metricName: string; labels: Record<string, string | number>; value: number }> = [];
    for (const { labels, bins, sum, count } of this.series.values()) {
      let cumulative = 0;
      this.bounds.forEach((bound, bin) => {
        cumulative += bins[bin];
        values.push({ metricName: `${this.name}_bucket`, labels: { le: bound, ...labels }, value: cumulative });
      });
      values.push({ metricName: `${this.name}_bucket`, labels: { le: '+Inf', ...labels }, value: count });
      values.push({ metricName: `${this.name}_sum`, labels: { ...labels }, value: sum });
      values.push({ metricName: `${this.name}_count`, labels: { ...labels }, value: count });
    }
    return { name: this.name, help: this.help, type: this.type, aggregator: this.aggregator, values };
  }

  reset(): void {
    this.series.clear();
  }
}
