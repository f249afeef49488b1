'use client';

import { revokeKey } from '../app/(console)/keys/actions';
import { ConfirmButton } from './confirm-button';
import { useConsoleSession } from './session-context';

/**
 * Revoke a key after a confirmation; stays (disabled) once revoked so the
 * answer stays visible. The console's own key is not offered: revoking it
 * would sign everyone out (the API refuses it too).
 */
export function KeyRevokeButton({ name, revoked, own }: { name: string; revoked: boolean; own: boolean }) {
  const { csrfToken } = useConsoleSession();
  return (
    <ConfirmButton
      label="Revoke"
      prompt={`Revoke ${name}? Everything using it is refused within 5 s; this cannot be undone.`}
      confirmLabel={`Revoke ${name}`}
      tone="danger"
      run={() => revokeKey(csrfToken, name)}
      disabled={revoked || own}
      disabledReason={own ? 'The console uses this key; revoke it with switchyard keys once the console has another' : 'Already revoked'}
    />
  );
}
