import type { QueueJobPage, QueueSummary, RouteInfo } from '@switchyard/core/contracts';
import Link from 'next/link';
import { Badge, Empty, Time } from '../../../../components/bits';
import { Problem } from '../../../../components/problem';
import { RouteTable } from '../../../../components/route-table';
import { api, query } from '../../../../lib/api';
import { count, duration, rate } from '../../../../lib/format';
import { HEALTH_LABEL, queueHealth } from '../../../../lib/health';
import { load } from '../../../../lib/load';

const STATES = ['waiting', 'prioritized', 'delayed', 'active', 'completed', 'failed'] as const;
const PAGE = 25;

export default async function QueuePage({ params, searchParams }: { params: Promise<{ name: string }>; searchParams: Promise<{ state?: string; page?: string }> }) {
  const { name } = await params;
  const search = await searchParams;
  const state = STATES.includes(search.state as (typeof STATES)[number]) ? (search.state as string) : 'waiting';
  const page = Math.max(0, Number.parseInt(search.page ?? '0', 10) || 0);
  const loaded = await load(() =>
    Promise.all([
      api<QueueSummary>(`/v1/queues/${encodeURIComponent(name)}`),
      api<QueueJobPage>(`/v1/queues/${encodeURIComponent(name)}/jobs${query({ state, start: page * PAGE, end: page * PAGE + PAGE - 1 })}`),
      api<RouteInfo[]>('/v1/routes'),
    ]),
  );
  if (!loaded.ok) return <Problem error={loaded.error} />;
  const [queue, jobs, routes] = loaded.data;
  const health = queueHealth(queue);
  const pages = Math.max(1, Math.ceil(jobs.total / PAGE));
  return (
    <>
      <div className="row spread">
        <h1>
          Queue {queue.name} <Badge value={health} label={HEALTH_LABEL[health]} /> {queue.paused && <Badge value="warn" label="paused" />}
        </h1>
        <Link href="/queues">All queues</Link>
      </div>
      <div className="tiles">
        <Tile label="Backlog" value={count(queue.lag.backlog)} />
        <Tile label="Oldest waiting" value={duration(queue.lag.oldestWaitingAgeMs)} />
        <Tile label="Drain time" value={queue.lag.drainTimeMs === null ? '∞' : duration(queue.lag.drainTimeMs)} />
        <Tile label="Completed" value={`${rate(queue.throughput.completedPerSec)}`} />
        <Tile label="Failed" value={`${rate(queue.throughput.failedPerSec)}`} />
        <Tile label="Wait p50 / p95 / p99" value={`${duration(queue.waitMs.p50)} / ${duration(queue.waitMs.p95)} / ${duration(queue.waitMs.p99)}`} />
        <Tile label="Run p50 / p95 / p99" value={`${duration(queue.processingMs.p50)} / ${duration(queue.processingMs.p95)} / ${duration(queue.processingMs.p99)}`} />
        <Tile label="Workers" value={String(queue.workers)} />
      </div>
      <section className="panel">
        <h2>Handlers</h2>
        <RouteTable routes={routes.filter((route) => route.queue === queue.name)} />
      </section>
      <section className="panel">
        <nav className="tabs" aria-label="Job states">
          {STATES.map((candidate) => (
            <Link key={candidate} href={`/queues/${name}?state=${candidate}`} aria-current={candidate === state ? 'page' : undefined}>
              {candidate} ({count(queue.counts[candidate])})
            </Link>
          ))}
        </nav>
        {jobs.items.length === 0 ? (
          <Empty>No {state} jobs.</Empty>
        ) : (
          <table>
            <thead>
              <tr>
                <th>Job</th>
                <th>Handler</th>
                <th className="num">Attempts</th>
                <th>Created</th>
                <th>{state === 'delayed' ? 'Runs at' : 'Finished'}</th>
                <th>Failure</th>
              </tr>
            </thead>
            <tbody>
              {jobs.items.map((job) => (
                <tr key={job.id}>
                  <td className="mono small">
                    <Link href={`/queues/${name}/jobs/${encodeURIComponent(job.id)}`}>{job.id}</Link>
                  </td>
                  <td>{job.name}</td>
                  <td className="num">{job.attemptsMade}</td>
                  <td>
                    <Time iso={job.createdAt} />
                  </td>
                  <td>
                    <Time iso={state === 'delayed' ? job.delayUntil : job.finishedAt} />
                  </td>
                  <td className="ellipsis">{job.failedReason ?? ''}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
        <nav className="pager" aria-label="Pages">
          <span className="muted">
            Page {page + 1} of {pages} · {count(jobs.total)} jobs
          </span>
          {page > 0 && <Link href={`/queues/${name}?state=${state}&page=${page - 1}`}>« Previous</Link>}
          {page + 1 < pages && <Link href={`/queues/${name}?state=${state}&page=${page + 1}`}>Next »</Link>}
        </nav>
      </section>
    </>
  );
}

function Tile({ label, value }: { label: string; value: string }) {
  return (
    <div className="tile">
      <div className="label">{label}</div>
      <div className="value" style={{ fontSize: 17 }}>
        {value}
      </div>
    </div>
  );
}
