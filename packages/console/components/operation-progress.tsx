'use client';

import type { OperationStatus } from '@switchyard/core/contracts';
import Link from 'next/link';
import { useEffect, useState } from 'react';
import { duration, json, timestamp } from '../lib/format';
import { useNow } from './use-now';

/** A bulk operation's progress, polled every second until it ends. */
export function OperationProgress({ initial }: { initial: OperationStatus }) {
  const [operation, setOperation] = useState(initial);
  const [stale, setStale] = useState(false);
  useEffect(() => {
    if (operation.status !== 'running') return;
    const timer = setTimeout(async () => {
      try {
        const response = await fetch(`/api/v1/operations/${operation.id}`, { cache: 'no-store' });
        if (!response.ok) throw new Error(String(response.status));
        setOperation((await response.json()) as OperationStatus);
        setStale(false);
      } catch {
        setStale(true);
        setOperation((current) => ({ ...current }));
      }
    }, 1_000);
    return () => clearTimeout(timer);
  }, [operation]);
  const processed = operation.done + operation.failed;
  const percent = operation.matched === 0 ? 100 : Math.round((processed / operation.matched) * 100);
  // A running operation's time so far is by the browser's clock, so "—" until it is known (useNow).
  const now = useNow();
  const end = operation.finishedAt ? Date.parse(operation.finishedAt) : now;
  const elapsed = operation.startedAt && end !== null ? end - Date.parse(operation.startedAt) : null;
  return (
    <section className="panel" aria-live="polite">
      <div className="row spread">
        <h2>
          {operation.kind} <span className={`badge ${operation.status}`}>{operation.status}</span>
        </h2>
        <span className="muted small">
          by {operation.actor} · {timestamp(operation.createdAt)}
        </span>
      </div>
      <div className="progress" role="progressbar" aria-valuemin={0} aria-valuemax={100} aria-valuenow={percent} aria-label="Progress">
        <div style={{ width: `${percent}%` }} />
      </div>
      <div className="tiles" style={{ marginTop: 12 }}>
        <div className="tile">
          <div className="label">Matched</div>
          <div className="value" data-testid="operation-matched">{operation.matched}</div>
        </div>
        <div className="tile">
          <div className="label">Done</div>
          <div className="value" data-testid="operation-done">{operation.done}</div>
        </div>
        <div className="tile">
          <div className="label">Failed</div>
          <div className="value">{operation.failed}</div>
        </div>
        <div className="tile">
          <div className="label">Elapsed</div>
          <div className="value">{duration(elapsed)}</div>
        </div>
      </div>
      {stale && <p className="notice error">Lost contact with the API; retrying…</p>}
      {operation.error && <p className="notice error">{operation.error}</p>}
      <details>
        <summary>Filter and parameters</summary>
        <pre>{json({ filter: operation.filter, params: operation.params })}</pre>
      </details>
      <p>
        <Link href="/dead-letters">Back to dead letters</Link>
      </p>
    </section>
  );
}
