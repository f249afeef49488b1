'use client';

import { useActionState } from 'react';
import { signOut } from '../app/session-actions';

/** Who is signed in, and the way out; a refused sign-out says why here. */
export function SignOutForm({ username, role, csrfToken }: { username: string; role: string; csrfToken: string }) {
  const [refusal, action, pending] = useActionState(signOut, null);
  return (
    <form action={action} aria-label="Signed in">
      <p style={{ color: '#cbd5e1', margin: '0 0 4px' }}>
        Signed in as <strong data-testid="signed-in-user">{username}</strong> ({role})
      </p>
      <input type="hidden" name="csrf" value={csrfToken} />
      <button type="submit" style={{ padding: '3px 8px', fontSize: 12 }} disabled={pending}>
        Sign out
      </button>
      {refusal && (
        <span role="alert" style={{ color: '#fca5a5' }}>
          {refusal}
        </span>
      )}
    </form>
  );
}
