import type { EventPage } from '@switchyard/core/contracts';
import Link from 'next/link';
import { Ago } from '../../../components/ago';
import { Empty, Pager, withParams } from '../../../components/bits';
import { Problem } from '../../../components/problem';
import { api, query } from '../../../lib/api';
import { load } from '../../../lib/load';

type Params = { type?: string; source?: string; sourceId?: string; since?: string; until?: string; data?: string; cursor?: string };

export const metadata = { title: 'Events · Switchyard' };

/** `user.id = usr_42; size = 4500` → { 'data.user.id': 'usr_42', 'data.size': '4500' }. */
function dataFilters(text: string | undefined): { filters: Record<string, string>; error: string | null } {
  const filters: Record<string, string> = {};
  if (!text?.trim()) return { filters, error: null };
  for (const clause of text.split(';')) {
    if (!clause.trim()) continue;
    const match = /^\s*([A-Za-z0-9_\-.[\]]+)\s*=\s*(.*?)\s*$/.exec(clause);
    if (!match || !match[2]) return { filters, error: `"${clause.trim()}" is not path = value (for example user.id = usr_42)` };
    filters[`data.${match[1].replace(/^data\./, '')}`] = match[2];
  }
  return { filters, error: null };
}

/** datetime-local inputs carry no zone; the console works in UTC. */
const utc = (value: string | undefined) => (value ? (value.length === 16 ? `${value}:00Z` : value.endsWith('Z') ? value : `${value}Z`) : undefined);

export default async function EventsPage({ searchParams }: { searchParams: Promise<Params> }) {
  const params = await searchParams;
  const { filters, error } = dataFilters(params.data);
  const current = { type: params.type, source: params.source, sourceId: params.sourceId, since: params.since, until: params.until, data: params.data };
  const loaded = error
    ? null
    : await load(() =>
        api<EventPage>(
          `/v1/events${query({ type: params.type, source: params.source, sourceId: params.sourceId, since: utc(params.since), until: utc(params.until), ...filters, cursor: params.cursor, limit: 50 })}`,
        ),
      );
  return (
    <>
      <h1>Events</h1>
      <section className="panel">
        <form className="filters" method="get" action="/events" aria-label="Search events">
          <label>
            Type
            <input name="type" defaultValue={params.type ?? ''} placeholder="user.created" size={16} />
          </label>
          <label>
            Source
            <input name="source" defaultValue={params.source ?? ''} size={16} />
          </label>
          <label title="The producer's own id for the event: its CloudEvents id, or a plain event's id or Idempotency-Key">
            Source id
            <input name="sourceId" defaultValue={params.sourceId ?? ''} size={16} />
          </label>
          <label>
            Since (UTC)
            <input type="datetime-local" name="since" defaultValue={params.since ?? ''} />
          </label>
          <label>
            Until (UTC)
            <input type="datetime-local" name="until" defaultValue={params.until ?? ''} />
          </label>
          <label>
            Data (path = value; …)
            <input name="data" defaultValue={params.data ?? ''} placeholder="user.id = usr_42" size={26} />
          </label>
          <button type="submit" className="primary">
            Search
          </button>
          <Link href="/events">Clear</Link>
        </form>
        {error && <p className="notice error">{error}</p>}
      </section>
      {loaded && !loaded.ok && <Problem title="Search failed" error={loaded.error} />}
      {loaded?.ok && (
        <section className="panel">
          {loaded.data.items.length === 0 ? (
            <Empty>No events match.</Empty>
          ) : (
            <table>
              <thead>
                <tr>
                  <th>Event</th>
                  <th>Type</th>
                  <th>Source</th>
                  <th>Source id</th>
                  <th>Subject</th>
                  <th className="num">Jobs</th>
                  <th>Received</th>
                </tr>
              </thead>
              <tbody>
                {loaded.data.items.map((event) => (
                  <tr key={event.eventId}>
                    <td className="mono small">
                      <Link href={`/events/${event.eventId}`}>{event.eventId}</Link>
                    </td>
                    <td>{event.type}</td>
                    <td>{event.source}</td>
                    <td className="mono small">{event.sourceId ?? '—'}</td>
                    <td>{event.subject ?? '—'}</td>
                    <td className="num">{event.jobCount}</td>
                    <td>
                      <Ago iso={event.receivedAt} />
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
          <Pager
            next={loaded.data.nextCursor ? withParams('/events', current, { cursor: loaded.data.nextCursor }) : null}
            first={params.cursor ? withParams('/events', current, {}) : null}
          />
        </section>
      )}
    </>
  );
}
