'use client';

import { useState, useTransition } from 'react';
import { type ActionResult, discardDeadLetter } from '../app/actions';
import { useConsoleSession } from './session-context';

export function DiscardForm({ id }: { id: string }) {
  const { csrfToken, can } = useConsoleSession();
  const [reason, setReason] = useState('');
  const [result, setResult] = useState<ActionResult | null>(null);
  const [pending, startTransition] = useTransition();
  return (
    <form
      className="grid"
      style={{ gap: 6 }}
      onSubmit={(event) => {
        event.preventDefault();
        startTransition(async () => setResult(await discardDeadLetter(csrfToken, id, reason)));
      }}
    >
      <label>
        Reason to discard
        <input value={reason} onChange={(event) => setReason(event.target.value)} required placeholder="e.g. duplicate test event" />
      </label>
      <button type="submit" className="danger" disabled={pending || !reason.trim() || !can('operator')}>
        {pending ? 'Discarding…' : 'Discard'}
      </button>
      {result && <span className={`notice ${result.ok ? 'success' : 'error'}`} role="status">{result.ok ? result.message : result.error}</span>}
    </form>
  );
}
