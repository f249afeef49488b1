import type { SchedulePage } from '@switchyard/core/contracts';
import Link from 'next/link';
import { ScheduleTable } from '../../../components/schedule-table';
import { Problem } from '../../../components/problem';
import { api, query } from '../../../lib/api';
import { load } from '../../../lib/load';

export const metadata = { title: 'Schedules · Switchyard' };

export default async function SchedulesPage({ searchParams }: { searchParams: Promise<{ cursor?: string }> }) {
  const { cursor } = await searchParams;
  const loaded = await load(() => api<SchedulePage>(`/v1/schedules${query({ cursor, limit: 100 })}`));
  if (!loaded.ok) return <Problem error={loaded.error} />;
  const page = loaded.data;
  return (
    <>
      <h1>Schedules</h1>
      <p className="muted small">
        Cron and interval schedules that emit an event on each tick, from every API and worker process at once and still once per tick. Those
        declared in code come back with each deploy; pausing one lasts until someone resumes it.
      </p>
      <ScheduleTable schedules={page.items} />
      {(cursor || page.nextCursor) && (
        <nav className="pager" aria-label="Pages">
          {cursor && <Link href="/schedules">« First</Link>}
          {page.nextCursor && <Link href={`/schedules${query({ cursor: page.nextCursor })}`}>Next »</Link>}
        </nav>
      )}
    </>
  );
}
