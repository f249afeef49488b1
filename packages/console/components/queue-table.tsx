'use client';

import type { QueueSummary } from '@switchyard/core/contracts';
import Link from 'next/link';
import { pauseQueue, resumeQueue } from '../app/actions';
import { count, duration, rate } from '../lib/format';
import { HEALTH_LABEL, queueHealth } from '../lib/health';
import { ConfirmButton } from './confirm-button';
import { useConsoleSession } from './session-context';
import { Empty } from './bits';
import { StreamBadge, useQueueStream } from './use-queue-stream';

/** Every queue, live: counts by state, throughput, lag; pause and resume. */
export function QueueTable({ initial }: { initial: QueueSummary[] }) {
  const { csrfToken, can } = useConsoleSession();
  const { snapshot, state } = useQueueStream();
  const queues = snapshot?.queues ?? initial;
  if (queues.length === 0) return <Empty>No queues: no handler modules are loaded.</Empty>;
  return (
    <section className="panel">
      <div className="row spread" style={{ marginBottom: 8 }}>
        <span className="muted small">Throughput per second over the last minute; lag as time.</span>
        <StreamBadge state={state} />
      </div>
      <div style={{ overflowX: 'auto' }}>
        <table>
          <thead>
            <tr>
              <th>Queue</th>
              <th className="num">Workers</th>
              <th className="num">Waiting</th>
              <th className="num">Prioritized</th>
              <th className="num">Delayed</th>
              <th className="num">Active</th>
              <th className="num">Failed</th>
              <th className="num">Done</th>
              <th className="num">Oldest waiting</th>
              <th className="num">Drain time</th>
              <th className="num">p95 wait · run</th>
              <th>Control</th>
            </tr>
          </thead>
          <tbody>
            {queues.map((queue) => {
              const health = queueHealth(queue);
              return (
                <tr key={queue.name} className={`health-${health}`} data-queue={queue.name}>
                  <td>
                    <Link href={`/queues/${queue.name}`}>{queue.name}</Link>{' '}
                    {queue.paused ? <span className="badge warn">paused</span> : <span className={`badge ${health}`}>{HEALTH_LABEL[health]}</span>}
                  </td>
                  <td className="num">{queue.workers}</td>
                  <td className="num">{count(queue.counts.waiting)}</td>
                  <td className="num">{count(queue.counts.prioritized)}</td>
                  <td className="num">{count(queue.counts.delayed)}</td>
                  <td className="num">{count(queue.counts.active)}</td>
                  <td className="num">{count(queue.counts.failed)}</td>
                  <td className="num">{rate(queue.throughput.completedPerSec)}</td>
                  <td className="num">{duration(queue.lag.oldestWaitingAgeMs)}</td>
                  <td className="num">{queue.lag.drainTimeMs === null ? '∞' : duration(queue.lag.drainTimeMs)}</td>
                  <td className="num">
                    {duration(queue.waitMs.p95)} · {duration(queue.processingMs.p95)}
                  </td>
                  <td>
                    {queue.paused ? (
                      <ConfirmButton label="Resume" prompt={`Resume ${queue.name}?`} run={() => resumeQueue(csrfToken, queue.name)} disabled={!can('operator')} disabledReason="Needs the operator role" />
                    ) : (
                      <ConfirmButton label="Pause" prompt={`Pause ${queue.name}? Workers stop taking its jobs.`} tone="danger" run={() => pauseQueue(csrfToken, queue.name)} disabled={!can('operator')} disabledReason="Needs the operator role" />
                    )}
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </div>
    </section>
  );
}
