import type { DeadLetterDetail } from '@switchyard/core/contracts';
import Link from 'next/link';
import { Badge, Time } from '../../../../components/bits';
import { RetryButton } from '../../../../components/retry-button';
import { DiscardForm } from '../../../../components/discard-form';
import { Problem } from '../../../../components/problem';
import { api } from '../../../../lib/api';
import { duration, json } from '../../../../lib/format';
import { load } from '../../../../lib/load';


export default async function DeadLetterPage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  const loaded = await load(() => api<DeadLetterDetail>(`/v1/dead-letters/${encodeURIComponent(id)}`));
  if (!loaded.ok) return <Problem error={loaded.error} />;
  const letter = loaded.data;
  return (
    <>
      <div className="row spread">
        <h1>
          Dead letter <span className="mono">{letter.id}</span> <Badge value={letter.status} />
        </h1>
        <Link href="/dead-letters">All dead letters</Link>
      </div>
      <section className="panel">
        <div className="row spread" style={{ alignItems: 'start' }}>
          <dl className="facts">
            <dt>Handler</dt>
            <dd>{letter.handler}</dd>
            <dt>Queue</dt>
            <dd>
              <Link href={`/queues/${letter.queue}`}>{letter.queue}</Link>
            </dd>
            <dt>Event</dt>
            <dd>
              <Link href={`/events/${letter.eventId}`}>{letter.eventType}</Link> <span className="mono small">{letter.eventId}</span>
            </dd>
            <dt>Last job</dt>
            <dd className="mono small">{letter.jobId}</dd>
            <dt>Error</dt>
            <dd>
              <strong>{letter.errorName}</strong>: {letter.errorMessage}
            </dd>
            <dt>Group</dt>
            <dd>
              <Link href={`/dead-letters?fingerprint=${letter.fingerprint}`} className="mono">
                {letter.fingerprint}
              </Link>
            </dd>
            <dt>Attempts</dt>
            <dd>
              {letter.attemptsMade} ({letter.redrives} operator retr{letter.redrives === 1 ? 'y' : 'ies'})
            </dd>
            <dt>First / last failure</dt>
            <dd>
              <Time iso={letter.firstFailedAt} /> / <Time iso={letter.lastFailedAt} />
            </dd>
            {letter.discardReason && (
              <>
                <dt>Discarded because</dt>
                <dd>{letter.discardReason}</dd>
              </>
            )}
          </dl>
          <div className="grid" style={{ minWidth: 280 }}>
            <RetryButton id={letter.id} handler={letter.handler} status={letter.status} />
            {letter.status === 'open' && <DiscardForm id={letter.id} />}
            {letter.status === 'retrying' && <p className="muted">A retry is running; this page shows its outcome once it ends.</p>}
          </div>
        </div>
      </section>

      <section className="panel">
        <h2>Attempts ({letter.attempts.length})</h2>
        <ol className="timeline">
          {letter.attempts.map((attempt, index) => (
            <li key={index}>
              <div className="row">
                <strong>
                  #{attempt.attempt} of job <span className="mono small">{attempt.jobId}</span>
                </strong>
                <Time iso={attempt.startedAt} />
                <span className="muted">
                  {duration(attempt.durationMs)} on {attempt.workerId}
                </span>
                {!attempt.retryable && <Badge value="critical" label="not retryable" />}
              </div>
              <div>
                <strong>{attempt.errorName}</strong>: {attempt.errorMessage}
              </div>
              {attempt.errorStack && (
                <details>
                  <summary>Stack trace</summary>
                  <pre>{attempt.errorStack}</pre>
                </details>
              )}
            </li>
          ))}
        </ol>
      </section>

      <section className="panel">
        <h2>Audit trail</h2>
        <table>
          <thead>
            <tr>
              <th>When</th>
              <th>Who</th>
              <th>What</th>
              <th>Status</th>
              <th>Job</th>
              <th>Reason</th>
            </tr>
          </thead>
          <tbody>
            {letter.actions.map((action, index) => (
              <tr key={index}>
                <td>
                  <Time iso={action.at} />
                </td>
                <td>{action.actor}</td>
                <td>{action.action}</td>
                <td>
                  {action.fromStatus} → {action.toStatus}
                </td>
                <td className="mono small">{action.jobId ?? '—'}</td>
                <td className="ellipsis" title={action.reason ?? ''}>
                  {action.reason ?? '—'}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </section>

      <section className="panel">
        <h2>Payload</h2>
        <pre>{json(letter.payload)}</pre>
      </section>
    </>
  );
}
