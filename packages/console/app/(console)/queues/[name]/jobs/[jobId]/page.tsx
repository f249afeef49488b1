import type { QueueJob } from '@switchyard/core/contracts';
import Link from 'next/link';
import { Badge, Time } from '../../../../../../components/bits';
import { Problem } from '../../../../../../components/problem';
import { api } from '../../../../../../lib/api';
import { duration, json } from '../../../../../../lib/format';
import { load } from '../../../../../../lib/load';

export default async function JobPage({ params }: { params: Promise<{ name: string; jobId: string }> }) {
  const { name, jobId } = await params;
  const id = decodeURIComponent(jobId);
  const loaded = await load(() => api<QueueJob>(`/v1/queues/${encodeURIComponent(name)}/jobs/${encodeURIComponent(id)}`));
  if (!loaded.ok) return <Problem error={loaded.error} />;
  const job = loaded.data;
  const eventId = (job.data as { event?: { id?: string } })?.event?.id;
  const steps: Array<[string, string | null]> = [
    ['Created', job.createdAt],
    ['Runs no earlier than', job.delayUntil],
    ['Started', job.processedAt],
    ['Finished', job.finishedAt],
  ];
  return (
    <>
      <div className="row spread">
        <h1>
          Job <span className="mono">{job.id}</span> <Badge value={job.state} />
        </h1>
        <Link href={`/queues/${name}`}>Queue {name}</Link>
      </div>
      <section className="panel">
        <dl className="facts">
          <dt>Handler</dt>
          <dd>{job.name}</dd>
          <dt>Attempts made</dt>
          <dd>{job.attemptsMade}</dd>
          <dt>Priority</dt>
          <dd>{job.priority ?? 'none'}</dd>
          {eventId && (
            <>
              <dt>Event</dt>
              <dd>
                <Link href={`/events/${eventId}`}>{eventId}</Link>
              </dd>
            </>
          )}
          {job.processedAt && job.finishedAt && (
            <>
              <dt>Ran for</dt>
              <dd>{duration(Date.parse(job.finishedAt) - Date.parse(job.processedAt))}</dd>
            </>
          )}
        </dl>
      </section>
      <section className="panel">
        <h2>Timeline</h2>
        <ol className="timeline">
          {steps
            .filter(([, at]) => at)
            .map(([label, at]) => (
              <li key={label}>
                {label}: <Time iso={at} />
              </li>
            ))}
        </ol>
      </section>
      {(job.failedReason || job.stacktrace.length > 0) && (
        <section className="panel">
          <h2>Error</h2>
          <p className="notice error">{job.failedReason}</p>
          {job.stacktrace.map((stack, index) => (
            <details key={index}>
              <summary>Stack trace {index + 1}</summary>
              <pre>{stack}</pre>
            </details>
          ))}
        </section>
      )}
      {job.returnValue !== null && (
        <section className="panel">
          <h2>Return value</h2>
          <pre>{json(job.returnValue)}</pre>
        </section>
      )}
      <section className="panel">
        <h2>Data</h2>
        <pre>{json(job.data)}</pre>
      </section>
      <section className="panel">
        <h2>Options</h2>
        <pre>{json(job.opts)}</pre>
      </section>
    </>
  );
}
