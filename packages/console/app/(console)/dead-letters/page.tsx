import type { DeadLetterFilter, DeadLetterGroup, DeadLetterPage, DeadLetterStats } from '@switchyard/core/contracts';
import Link from 'next/link';
import { Ago } from '../../../components/ago';
import { Empty, Pager, withParams } from '../../../components/bits';
import { BulkAction } from '../../../components/bulk-action';
import { DeadLetterTable } from '../../../components/dead-letter-table';
import { Problem } from '../../../components/problem';
import { api, query } from '../../../lib/api';
import { count } from '../../../lib/format';
import { load } from '../../../lib/load';

const FILTERS = ['status', 'queue', 'handler', 'eventType', 'fingerprint', 'q', 'since', 'until'] as const;
type Params = Partial<Record<(typeof FILTERS)[number] | 'cursor', string>>;

export const metadata = { title: 'Dead letters · Switchyard' };

export default async function DeadLettersPage({ searchParams }: { searchParams: Promise<Params> }) {
  const params = await searchParams;
  const filter: Record<string, string | undefined> = Object.fromEntries(FILTERS.map((name) => [name, params[name] || undefined]));
  const loaded = await load(() =>
    Promise.all([
      api<DeadLetterStats>('/v1/dead-letters/stats'),
      api<DeadLetterGroup[]>(`/v1/dead-letters/groups${query({ ...filter, limit: 20 })}`),
      api<DeadLetterPage>(`/v1/dead-letters${query({ ...filter, cursor: params.cursor, limit: 50 })}`),
    ]),
  );
  if (!loaded.ok) return <Problem error={loaded.error} />;
  const [stats, groups, page] = loaded.data;
  const active = Object.fromEntries(Object.entries(filter).filter(([, value]) => value)) as DeadLetterFilter;
  const filtered = Object.keys(active).length > 0;

  return (
    <>
      <h1>Dead letters</h1>
      <div className="tiles">
        {(['open', 'retrying', 'resolved', 'discarded'] as const).map((status) => (
          <Link key={status} className="tile" href={withParams('/dead-letters', {}, { status })} style={{ textDecoration: 'none', color: 'inherit' }}>
            <div className="label">{status}</div>
            <div className="value">{count(stats[status])}</div>
          </Link>
        ))}
      </div>

      <section className="panel" aria-labelledby="groups">
        <h2 id="groups">Error groups{filtered ? ' (filtered)' : ''}</h2>
        {groups.length === 0 ? (
          <Empty>No dead letters{filtered ? ' match these filters' : ' — nothing has failed for good'}.</Empty>
        ) : (
          <table>
            <thead>
              <tr>
                <th>Handler</th>
                <th>Error</th>
                <th className="num">Count</th>
                <th className="num">Open</th>
                <th>First seen</th>
                <th>Last seen</th>
                <th>Act on the group</th>
              </tr>
            </thead>
            <tbody>
              {groups.map((group) => (
                <tr key={`${group.fingerprint}-${group.handler}`}>
                  <td>{group.handler}</td>
                  <td className="ellipsis" title={group.sampleMessage}>
                    <Link href={withParams('/dead-letters', {}, { fingerprint: group.fingerprint })}>
                      <strong>{group.errorName}</strong>: {group.pattern}
                    </Link>
                  </td>
                  <td className="num">{count(group.count)}</td>
                  <td className="num">{count(group.open)}</td>
                  <td>
                    <Ago iso={group.firstSeen} />
                  </td>
                  <td>
                    <Ago iso={group.lastSeen} />
                  </td>
                  <td>
                    {group.open > 0 && <BulkAction kind="retry" target={{ filter: { fingerprint: group.fingerprint } }} label="Retry group…" />}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </section>

      <section className="panel" aria-labelledby="list">
        <h2 id="list">Dead letters</h2>
        <form className="filters" method="get" action="/dead-letters" aria-label="Filter dead letters">
          <label>
            Status
            <select name="status" defaultValue={filter.status ?? ''}>
              <option value="">any</option>
              {['open', 'retrying', 'resolved', 'discarded'].map((status) => (
                <option key={status}>{status}</option>
              ))}
            </select>
          </label>
          {(['queue', 'handler', 'eventType', 'fingerprint'] as const).map((name) => (
            <label key={name}>
              {name === 'eventType' ? 'Event type' : name[0].toUpperCase() + name.slice(1)}
              <input name={name} defaultValue={filter[name] ?? ''} size={14} />
            </label>
          ))}
          <label>
            Search payload and error
            <input name="q" defaultValue={filter.q ?? ''} size={18} placeholder="usr_42, timeout…" />
          </label>
          <label>
            Failed since (RFC 3339)
            <input name="since" defaultValue={filter.since ?? ''} size={18} placeholder="2026-11-25T00:00:00Z" />
          </label>
          <button type="submit" className="primary">
            Filter
          </button>
          {filtered && <Link href="/dead-letters">Clear</Link>}
        </form>
        {filtered && (
          <div className="row" style={{ margin: '10px 0' }}>
            <span className="muted">Everything matching this filter:</span>
            <BulkAction kind="retry" target={{ filter: active }} label="Retry all matching…" />
            <BulkAction kind="discard" target={{ filter: active }} label="Discard all matching…" />
          </div>
        )}
        {page.items.length === 0 ? <Empty>No dead letters match.</Empty> : <DeadLetterTable items={page.items} />}
        <Pager
          next={page.nextCursor ? withParams('/dead-letters', filter, { cursor: page.nextCursor }) : null}
          first={params.cursor ? withParams('/dead-letters', filter, {}) : null}
        />
      </section>
    </>
  );
}
