'use client';

import type { DeadLetterSummary } from '@switchyard/core/contracts';
import Link from 'next/link';
import { useState } from 'react';
import { timestamp } from '../lib/format';
import { Ago } from './ago';
import { BulkAction } from './bulk-action';

/** The dead-letter list with a selection that bulk actions apply to. */
export function DeadLetterTable({ items }: { items: DeadLetterSummary[] }) {
  const [selected, setSelected] = useState<Set<string>>(new Set());
  const toggle = (id: string) =>
    setSelected((current) => {
      const next = new Set(current);
      if (!next.delete(id)) next.add(id);
      return next;
    });
  const all = items.length > 0 && selected.size === items.length;
  const ids = [...selected];
  return (
    <>
      <div className="row" style={{ marginBottom: 8 }}>
        <span className="muted">{selected.size} selected</span>
        <BulkAction key={`retry-${ids.join()}`} kind="retry" target={{ ids }} label="Retry selected…" disabled={ids.length === 0} />
        <BulkAction key={`discard-${ids.join()}`} kind="discard" target={{ ids }} label="Discard selected…" disabled={ids.length === 0} />
      </div>
      <table>
        <thead>
          <tr>
            <th>
              <input
                type="checkbox"
                aria-label="Select all on this page"
                checked={all}
                onChange={() => setSelected(all ? new Set() : new Set(items.map((item) => item.id)))}
              />
            </th>
            <th>Status</th>
            <th>Handler</th>
            <th>Error</th>
            <th className="num">Attempts</th>
            <th>Last failed</th>
          </tr>
        </thead>
        <tbody>
          {items.map((item) => (
            <tr key={item.id}>
              <td>
                <input type="checkbox" aria-label={`Select dead letter ${item.id}`} checked={selected.has(item.id)} onChange={() => toggle(item.id)} />
              </td>
              <td>
                <span className={`badge ${item.status}`}>{item.status}</span>
              </td>
              <td>
                <div>{item.handler}</div>
                <div className="muted small">
                  {item.queue} · {item.eventType}
                </div>
              </td>
              <td className="ellipsis">
                <Link href={`/dead-letters/${item.id}`}>
                  <strong>{item.errorName}</strong>: {item.errorMessage}
                </Link>
              </td>
              <td className="num">
                {item.attemptsMade}
                {item.redrives > 0 && <span className="muted small"> ({item.redrives} retr.)</span>}
              </td>
              <td>
                <Ago iso={item.lastFailedAt} />
                <div className="muted small">{timestamp(item.lastFailedAt)}</div>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </>
  );
}
