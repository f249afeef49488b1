'use client';

import { revokeKey } from '../app/(console)/keys/actions';
import { ConfirmButton } from './confirm-button';
import { useConsoleSession } from './session-context';

/** Revoke a key after a confirmation; stays (disabled) once revoked so the answer stays visible. */
export function KeyRevokeButton({ name, revoked }: { name: string; revoked: boolean }) {
  const { csrfToken } = useConsoleSession();
  return (
    <ConfirmButton
      label="Revoke"
      prompt={`Revoke ${name}? Everything using it is refused within 5 s; this cannot be undone.`}
      confirmLabel={`Revoke ${name}`}
      tone="danger"
      run={() => revokeKey(csrfToken, name)}
      disabled={revoked}
      disabledReason="Already revoked"
    />
  );
}
