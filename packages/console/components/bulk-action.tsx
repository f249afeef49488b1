'use client';

import { useRouter } from 'next/navigation';
import { useState, useTransition } from 'react';
import { type BulkTarget, previewBulk, startBulk } from '../app/actions';
import { useConsoleSession } from './session-context';

/**
 * Retry or discard many dead letters: first a dry run that says how many
 * would be touched, then, once confirmed, a tracked operation whose progress
 * page it opens.
 */
export function BulkAction({ kind, target, label, disabled }: { kind: 'retry' | 'discard'; target: BulkTarget; label: string; disabled?: boolean }) {
  const router = useRouter();
  const { csrfToken, can } = useConsoleSession();
  const [matched, setMatched] = useState<number | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [rate, setRate] = useState(100);
  const [reason, setReason] = useState('');
  const [pending, startTransition] = useTransition();

  const preview = () =>
    startTransition(async () => {
      setError(null);
      const answer = await previewBulk(csrfToken, kind, target);
      if (answer.ok) setMatched(answer.matched);
      else setError(answer.error);
    });
  const start = () =>
    startTransition(async () => {
      const answer = await startBulk(csrfToken, kind, target, kind === 'retry' ? { ratePerSecond: rate } : { reason });
      if (answer.ok) router.push(`/operations/${answer.operationId}`);
      else setError(answer.error);
    });

  if (matched === null) {
    return (
      <span>
        <button type="button" onClick={preview} disabled={disabled || pending || !can('operator')} title={can('operator') ? undefined : 'Needs the operator role'}>
          {pending ? 'Counting…' : label}
        </button>
        {error && <span className="notice error" role="status">{error}</span>}
      </span>
    );
  }
  return (
    <span className="confirm" role="alertdialog" aria-label={label}>
      <span>
        <strong>{matched}</strong> dead letter{matched === 1 ? '' : 's'} match (dry run).
      </span>
      {matched > 0 && kind === 'retry' && (
        <label>
          Rate per second
          <input type="number" min={1} max={10000} value={rate} onChange={(event) => setRate(Number(event.target.value))} style={{ width: 90 }} />
        </label>
      )}
      {matched > 0 && kind === 'discard' && (
        <label>
          Reason
          <input value={reason} onChange={(event) => setReason(event.target.value)} placeholder="why these can go" required />
        </label>
      )}
      {matched > 0 && (
        <button type="button" className={kind === 'retry' ? 'primary' : 'danger'} onClick={start} disabled={pending || (kind === 'discard' && !reason.trim())}>
          {pending ? 'Starting…' : `${kind === 'retry' ? 'Retry' : 'Discard'} ${matched}`}
        </button>
      )}
      <button type="button" onClick={() => setMatched(null)} disabled={pending}>
        Cancel
      </button>
      {error && <span className="notice error" role="status">{error}</span>}
    </span>
  );
}
