'use client';

import { type ReactNode, useState, useTransition } from 'react';
import type { ActionResult } from '../app/actions';

/**
 * A button whose action runs only after an explicit second click, showing
 * what it is about to do, then the API's answer.
 */
export function ConfirmButton(props: {
  label: string;
  prompt: ReactNode;
  confirmLabel?: string;
  run: () => Promise<ActionResult>;
  tone?: 'primary' | 'danger';
  /** Stays mounted when disabled, so the answer to the last click stays visible. */
  disabled?: boolean;
  disabledReason?: string;
}) {
  const [confirming, setConfirming] = useState(false);
  const [result, setResult] = useState<ActionResult | null>(null);
  const [pending, startTransition] = useTransition();
  const confirm = () =>
    startTransition(async () => {
      setResult(await props.run());
      setConfirming(false);
    });
  return (
    <span className="grid" style={{ gap: 6 }}>
      {confirming ? (
        <span className="confirm" role="alertdialog" aria-label={props.label}>
          <span>{props.prompt}</span>
          <button type="button" className={props.tone ?? 'primary'} onClick={confirm} disabled={pending} autoFocus>
            {pending ? 'Working…' : (props.confirmLabel ?? 'Confirm')}
          </button>
          <button type="button" onClick={() => setConfirming(false)} disabled={pending}>
            Cancel
          </button>
        </span>
      ) : (
        <button type="button" onClick={() => (setResult(null), setConfirming(true))} disabled={props.disabled} title={props.disabled ? props.disabledReason : undefined}>
          {props.label}
        </button>
      )}
      {result && (
        <span role="status" className={`notice ${result.ok ? 'success' : 'error'}`}>
          {result.ok ? result.message : result.error}
        </span>
      )}
    </span>
  );
}
