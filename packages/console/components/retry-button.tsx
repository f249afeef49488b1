'use client';

import { retryDeadLetter } from '../app/actions';
import { ConfirmButton } from './confirm-button';
import { useConsoleSession } from './session-context';

/** Retry one dead letter; disabled for roles that cannot (the action checks again on the server). */
export function RetryButton({ id, handler, status }: { id: string; handler: string; status: string }) {
  const { csrfToken, can, username, role } = useConsoleSession();
  const retryable = status === 'open' || status === 'discarded';
  return (
    <ConfirmButton
      label="Retry"
      prompt={`Re-run ${handler} for this event with a fresh attempt budget?`}
      confirmLabel="Retry now"
      run={() => retryDeadLetter(csrfToken, id)}
      disabled={!retryable || !can('operator')}
      disabledReason={can('operator') ? `A ${status} dead letter cannot be retried` : `${username} is a ${role}; retrying needs the operator role`}
    />
  );
}
