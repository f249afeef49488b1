'use client';

import type { LagPoint, MetricSeries, ThroughputPoint } from '@switchyard/core/contracts';
import { useEffect, useState } from 'react';
import { type Row, TimeChart } from './charts';

const RANGES = {
  '1h': { ms: 3_600_000, step: 30 },
  '24h': { ms: 86_400_000, step: 600 },
  '7d': { ms: 7 * 86_400_000, step: 3_600 },
} as const;
type Range = keyof typeof RANGES;

/** Throughput and oldest waiting age over 1 hour, 1 day or 1 week, from the stored series. */
export function HistoryCharts({ queues }: { queues: string[] }) {
  const [range, setRange] = useState<Range>('1h');
  const [throughput, setThroughput] = useState<Row[]>([]);
  const [lag, setLag] = useState<Row[]>([]);
  const [error, setError] = useState<string | null>(null);
  const [loading, setLoading] = useState(true);
  const key = queues.join(',');

  useEffect(() => {
    let cancelled = false;
    const { ms, step } = RANGES[range];
    const from = new Date(Date.now() - ms).toISOString();
    setLoading(true);
    Promise.all(
      queues.map(async (queue) => {
        const params = `queue=${encodeURIComponent(queue)}&from=${from}&step=${step}`;
        const [t, l] = await Promise.all([
          fetch(`/api/v1/metrics/throughput?${params}`).then((r) => (r.ok ? (r.json() as Promise<MetricSeries<ThroughputPoint>>) : Promise.reject(new Error(`HTTP ${r.status}`)))),
          fetch(`/api/v1/metrics/lag?${params}`).then((r) => (r.ok ? (r.json() as Promise<MetricSeries<LagPoint>>) : Promise.reject(new Error(`HTTP ${r.status}`)))),
        ]);
        return { queue, t, l };
      }),
    )
      .then((results) => {
        if (cancelled) return;
        const merge = <P extends { t: string }>(pick: (result: (typeof results)[number]) => P[], value: (point: P) => number | null) => {
          const rows = new Map<number, Row>();
          for (const result of results) {
            for (const point of pick(result)) {
              const t = Date.parse(point.t);
              const row = rows.get(t) ?? ({ t } as Row);
              row[result.queue] = value(point);
              rows.set(t, row);
            }
          }
          return [...rows.values()].sort((a, b) => a.t - b.t);
        };
        setThroughput(merge((r) => r.t.points, (p) => p.completedPerSec));
        setLag(merge((r) => r.l.points, (p) => (p.oldestWaitingAgeMs === null ? null : p.oldestWaitingAgeMs / 1000)));
        setError(null);
      })
      .catch((failure: Error) => !cancelled && setError(`Could not load the series: ${failure.message}`))
      .finally(() => !cancelled && setLoading(false));
    return () => {
      cancelled = true;
    };
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [range, key]);

  return (
    <section className="panel" aria-labelledby="history">
      <div className="row spread">
        <h2 id="history">History</h2>
        <div className="row" role="group" aria-label="Time range">
          {(Object.keys(RANGES) as Range[]).map((candidate) => (
            <button key={candidate} type="button" className={candidate === range ? 'primary' : ''} aria-pressed={candidate === range} onClick={() => setRange(candidate)}>
              {candidate}
            </button>
          ))}
        </div>
      </div>
      {error && <p className="notice error">{error}</p>}
      {loading && throughput.length === 0 ? (
        <div className="skeleton" style={{ height: 200 }} aria-label="Loading history" />
      ) : (
        <div className="grid" style={{ gridTemplateColumns: 'repeat(auto-fit, minmax(420px, 1fr))' }}>
          <div>
            <h3 className="small muted">Completed per second</h3>
            <TimeChart rows={throughput} series={queues} unit="/s" span={range === '1h' ? 'short' : 'long'} height={200} label={`Completed per second, last ${range}`} />
          </div>
          <div>
            <h3 className="small muted">Oldest waiting job (seconds)</h3>
            <TimeChart rows={lag} series={queues} unit="s" span={range === '1h' ? 'short' : 'long'} height={200} label={`Oldest waiting job, last ${range}`} />
          </div>
        </div>
      )}
    </section>
  );
}
