'use client';

import { useActionState, useEffect, useState } from 'react';
import { createKey, type CreateKeyState } from '../app/(console)/keys/actions';
import { useConsoleSession } from './session-context';

const SCOPES = [
  ['events:write', 'post events (producers)'],
  ['events:read', 'read events'],
  ['ops:read', 'read queues, dead letters, metrics'],
  ['ops:write', 'retry, discard, pause, replay'],
  ['admin', 'everything, including console sign-in'],
] as const;

/** Create a key; its token is shown here once and never again. */
export function KeyCreateForm() {
  const { csrfToken } = useConsoleSession();
  const [state, action, pending] = useActionState<CreateKeyState, FormData>(createKey, null);
  // Controlled, so a refused form keeps what was typed (React resets uncontrolled fields after every action).
  const [name, setName] = useState('');
  const [rate, setRate] = useState('');
  const [scopes, setScopes] = useState<string[]>([]);
  useEffect(() => {
    if (!state?.ok) return;
    setName('');
    setRate('');
    setScopes([]);
  }, [state]);
  const toggle = (scope: string) => setScopes((current) => (current.includes(scope) ? current.filter((each) => each !== scope) : [...current, scope]));
  return (
    <>
      <form action={action} className="grid" style={{ gap: 10 }}>
        <input type="hidden" name="csrf" value={csrfToken} />
        <div className="row" style={{ alignItems: 'end' }}>
          <label>
            Name
            <input name="name" required maxLength={64} pattern="[A-Za-z0-9][A-Za-z0-9._\-]{0,63}" placeholder="signup-service" value={name} onChange={(event) => setName(event.target.value)} />
          </label>
          <label>
            Rate limit (events/s)
            <input name="rateLimitPerSec" inputMode="numeric" placeholder="default" size={10} value={rate} onChange={(event) => setRate(event.target.value)} />
          </label>
        </div>
        <fieldset className="row" style={{ border: 0, padding: 0, margin: 0 }}>
          <legend className="small muted">Scopes</legend>
          {SCOPES.map(([scope, what]) => (
            <label key={scope} style={{ display: 'flex', gap: 4, alignItems: 'center' }} title={what}>
              <input type="checkbox" name="scopes" value={scope} checked={scopes.includes(scope)} onChange={() => toggle(scope)} /> {scope}
            </label>
          ))}
        </fieldset>
        <div>
          <button type="submit" className="primary" disabled={pending}>
            {pending ? 'Creating…' : 'Create key'}
          </button>
        </div>
      </form>
      {state?.ok === false && (
        <p className="notice error" role="alert">
          {state.error}
        </p>
      )}
      {state?.ok && (
        <div className="notice success" role="status">
          <p style={{ margin: '0 0 6px' }}>
            Created key {state.name}. Copy its token now and store it in your secrets manager: it is shown this once and cannot be shown again.
          </p>
          <input readOnly aria-label={`Token of ${state.name}`} data-testid="new-token" value={state.token} className="mono" style={{ width: '100%' }} onFocus={(event) => event.currentTarget.select()} />
        </div>
      )}
    </>
  );
}
