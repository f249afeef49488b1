'use client';

import type { DeadLetterStats, MetricSeries, QueuesSnapshot, QueueSummary, ThroughputPoint } from '@switchyard/core/contracts';
import Link from 'next/link';
import { useCallback, useEffect, useMemo, useState } from 'react';
import { count, duration, rate } from '../lib/format';
import { HEALTH_LABEL, queueHealth } from '../lib/health';
import { type Row, TimeChart } from './charts';
import { HistoryCharts } from './history-charts';
import { StreamBadge, useQueueStream } from './use-queue-stream';

const WINDOW_MS = 15 * 60_000;

function seedRows(history: MetricSeries<ThroughputPoint>[], field: 'completedPerSec' | 'failedPerSec', renderedAt: number): Row[] {
  const rows = new Map<number, Row>();
  // The last bucket is still filling; the live stream takes over from there.
  const complete = renderedAt - 5_000;
  for (const series of history) {
    for (const point of series.points) {
      const t = Date.parse(point.t);
      if (t > complete - 5_000) continue;
      const row = rows.get(t) ?? ({ t } as Row);
      row[series.queue] = point[field];
      rows.set(t, row);
    }
  }
  return [...rows.values()].sort((a, b) => a.t - b.t);
}

/**
 * The overview: live throughput for 15 minutes, lag per queue, and the longer
 * view. Until the first live snapshot, "now" is `renderedAt`, the time the
 * server read the history: the same on the server and in the browser, so
 * hydration sees the same charts (the browser's Date.now() would differ).
 */
export function LiveOverview(props: { initialQueues: QueueSummary[]; initialDeadLetters: DeadLetterStats; history: MetricSeries<ThroughputPoint>[]; renderedAt: string }) {
  const renderedAt = Date.parse(props.renderedAt);
  const [completed, setCompleted] = useState<Row[]>(() => seedRows(props.history, 'completedPerSec', renderedAt));
  const [failed, setFailed] = useState<Row[]>(() => seedRows(props.history, 'failedPerSec', renderedAt));
  const [deadLetters, setDeadLetters] = useState(props.initialDeadLetters);
  const append = useCallback((snapshot: QueuesSnapshot) => {
    const t = Date.parse(snapshot.at);
    const keep = (rows: Row[], row: Row) => [...rows.filter((existing) => existing.t > t - WINDOW_MS && existing.t < t), row];
    setCompleted((rows) => keep(rows, { t, ...Object.fromEntries(snapshot.queues.map((queue) => [queue.name, queue.rate.completedPerSec])) }));
    setFailed((rows) => keep(rows, { t, ...Object.fromEntries(snapshot.queues.map((queue) => [queue.name, queue.rate.failedPerSec])) }));
  }, []);
  const { snapshot, state } = useQueueStream(append);
  const queues = snapshot?.queues ?? props.initialQueues;
  const names = useMemo(() => queues.map((queue) => queue.name), [queues]);

  useEffect(() => {
    const timer = setInterval(async () => {
      const response = await fetch('/api/v1/dead-letters/stats', { cache: 'no-store' }).catch(() => null);
      if (response?.ok) setDeadLetters((await response.json()) as DeadLetterStats);
    }, 10_000);
    return () => clearInterval(timer);
  }, []);

  const now = snapshot ? Date.parse(snapshot.at) : renderedAt;
  const totals = queues.reduce(
    (sum, queue) => ({
      completed: sum.completed + queue.rate.completedPerSec,
      failed: sum.failed + queue.rate.failedPerSec,
      backlog: sum.backlog + queue.lag.backlog,
      workers: sum.workers + queue.workers,
    }),
    { completed: 0, failed: 0, backlog: 0, workers: 0 },
  );
  return (
    <>
      <div className="tiles">
        <Tile label="Completed now" value={rate(totals.completed)} testId="throughput-now" />
        <Tile label="Failed now" value={rate(totals.failed)} />
        <Tile label="Backlog" value={count(totals.backlog)} />
        <Tile label="Workers online" value={count(totals.workers)} testId="workers-online" />
        <Link href="/dead-letters?status=open" className="tile" style={{ textDecoration: 'none', color: 'inherit' }}>
          <div className="label">Open dead letters</div>
          <div className="value" data-testid="open-dead-letters">
            {count(deadLetters.open)}
          </div>
        </Link>
      </div>

      <section className="panel" aria-labelledby="throughput">
        <div className="row spread">
          <h2 id="throughput">Throughput, last 15 minutes (jobs per second, per queue)</h2>
          <StreamBadge state={state} />
        </div>
        <TimeChart rows={completed} series={names} unit="/s" domain={[now - WINDOW_MS, now]} label="Completed jobs per second per queue" />
        <h2 style={{ marginTop: 12 }}>Failed for good, per second</h2>
        <TimeChart rows={failed} series={names} unit="/s" height={140} domain={[now - WINDOW_MS, now]} label="Failed jobs per second per queue" />
      </section>

      <section className="panel" aria-labelledby="lag">
        <h2 id="lag">Consumer lag</h2>
        <div className="tiles" style={{ marginBottom: 0 }}>
          {queues.map((queue) => {
            const health = queueHealth(queue);
            return (
              <Link key={queue.name} href={`/queues/${queue.name}`} className={`tile health-${health}`} style={{ textDecoration: 'none', color: 'inherit' }} data-lag={queue.name}>
                <div className="row spread">
                  <strong>{queue.name}</strong>
                  <span className={`badge ${health}`}>{queue.paused ? 'paused' : HEALTH_LABEL[health]}</span>
                </div>
                <dl className="facts small" style={{ marginTop: 6 }}>
                  <dt>Backlog</dt>
                  <dd>{count(queue.lag.backlog)}</dd>
                  <dt>Oldest</dt>
                  <dd>{duration(queue.lag.oldestWaitingAgeMs)}</dd>
                  <dt>Drain</dt>
                  <dd>{queue.lag.drainTimeMs === null ? '∞ (nothing completing)' : duration(queue.lag.drainTimeMs)}</dd>
                  <dt>Wait p95</dt>
                  <dd>{duration(queue.waitMs.p95)}</dd>
                  <dt>Workers</dt>
                  <dd>{queue.workers}</dd>
                </dl>
              </Link>
            );
          })}
        </div>
      </section>

      <HistoryCharts queues={names} />
    </>
  );
}

function Tile({ label, value, testId }: { label: string; value: string; testId?: string }) {
  return (
    <div className="tile">
      <div className="label">{label}</div>
      <div className="value" data-testid={testId}>
        {value}
      </div>
    </div>
  );
}
