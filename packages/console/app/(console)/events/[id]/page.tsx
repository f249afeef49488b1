import type { EventLineage, EventTree } from '@switchyard/core/contracts';
import Link from 'next/link';
import { Badge, Time } from '../../../../components/bits';
import { EventTreeView } from '../../../../components/event-tree';
import { Problem } from '../../../../components/problem';
import { api } from '../../../../lib/api';
import { duration, json } from '../../../../lib/format';
import { load } from '../../../../lib/load';

export default async function EventPage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  const [loaded, tree] = await Promise.all([
    load(() => api<EventLineage>(`/v1/events/${encodeURIComponent(id)}`)),
    load(() => api<EventTree>(`/v1/events/${encodeURIComponent(id)}/tree`)),
  ]);
  if (!loaded.ok) return <Problem error={loaded.error} />;
  const event = loaded.data;
  return (
    <>
      <div className="row spread">
        <h1>
          {event.type} <span className="mono small">{event.eventId}</span>
        </h1>
        <Link href={`/events?type=${encodeURIComponent(event.type)}`}>More {event.type} events</Link>
      </div>
      <section className="panel">
        <dl className="facts">
          <dt>Source</dt>
          <dd>{event.source}</dd>
          <dt title="The producer's own id for the event: its CloudEvents id, or a plain event's id or Idempotency-Key">Source id</dt>
          <dd className="mono" data-testid="source-id">
            {event.sourceId ?? '— (none given)'}
          </dd>
          <dt>Subject</dt>
          <dd>{event.subject ?? '—'}</dd>
          <dt>Received</dt>
          <dd>
            <Time iso={event.receivedAt} />
          </dd>
          <dt>Correlation</dt>
          <dd className="mono">{event.correlationId}</dd>
          <dt>Caused by</dt>
          <dd>{event.causationId ? <Link href={`/events/${event.causationId}`}>{event.causationId}</Link> : '— (sent by a producer)'}</dd>
          {typeof event.extensions?.schedule === 'string' && (
            <>
              <dt>Scheduled</dt>
              <dd data-testid="scheduled-by">
                by <Link href="/schedules">{event.extensions.schedule}</Link> for <Time iso={event.time} />
                {event.extensions.catchup === 'fire-once' && <> (one event for the ticks missed since <Time iso={String(event.extensions.missedsince)} />)</>}
              </dd>
            </>
          )}
        </dl>
      </section>
      <section className="panel" aria-labelledby="tree">
        <h2 id="tree">Event tree</h2>
        {tree.ok ? (
          <>
            <EventTreeView tree={tree.data} />
            {tree.data.truncated && <p className="muted small">Only the oldest events of this tree are shown.</p>}
          </>
        ) : (
          <Problem title="Could not load the event tree" error={tree.error} />
        )}
      </section>
      <section className="panel" aria-labelledby="lineage">
        <h2 id="lineage">Lineage: {event.jobs.length} jobs</h2>
        <table>
          <thead>
            <tr>
              <th>Handler</th>
              <th>Queue</th>
              <th>Why</th>
              <th>State</th>
              <th className="num">Attempts</th>
              <th>Started</th>
              <th className="num">Ran for</th>
              <th>Failure</th>
              <th>Dead letter</th>
            </tr>
          </thead>
          <tbody>
            {event.jobs.map((job) => (
              <tr key={job.id} data-handler={job.handler}>
                <td>
                  {job.state === 'pending' || job.state === 'dead' || job.state === 'unknown' ? (
                    job.handler
                  ) : (
                    <Link href={`/queues/${job.queue}/jobs/${encodeURIComponent(job.id)}`}>{job.handler}</Link>
                  )}
                </td>
                <td>
                  <Link href={`/queues/${job.queue}`}>{job.queue}</Link>
                </td>
                <td>{job.kind}</td>
                <td>
                  <Badge value={job.state} />
                </td>
                <td className="num">{job.attemptsMade}</td>
                <td>
                  <Time iso={job.processedAt} />
                </td>
                <td className="num">{job.processedAt && job.finishedAt ? duration(Date.parse(job.finishedAt) - Date.parse(job.processedAt)) : '—'}</td>
                <td className="ellipsis" title={job.failedReason ?? ''}>
                  {job.failedReason ?? ''}
                </td>
                <td>{job.deadLetterId ? <Link href={`/dead-letters/${job.deadLetterId}`}>view</Link> : '—'}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </section>
      <section className="panel">
        <h2>Data</h2>
        <pre>{json(event.data)}</pre>
      </section>
    </>
  );
}
