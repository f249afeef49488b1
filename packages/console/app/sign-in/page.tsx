import { redirect } from 'next/navigation';
import { safeNext } from '../../lib/safe-next';
import { currentSession } from '../../lib/session';
import { signIn } from '../session-actions';

export const dynamic = 'force-dynamic';

const WRONG_PASSWORD = 'Wrong username or password.';
// A Map: `failed` comes from the URL, and `?failed=constructor` must not find Object.prototype's member.
const MESSAGES = new Map([
  ['1', WRONG_PASSWORD],
  ['throttled', 'Too many failed sign-ins; wait a few minutes and try again.'],
  ['unavailable', 'The Switchyard API did not answer; try again shortly.'],
]);

export default async function SignInPage({ searchParams }: { searchParams: Promise<{ failed?: string; next?: string }> }) {
  const { failed, next } = await searchParams;
  if (await currentSession()) redirect(safeNext(next));
  return (
    <main id="content" style={{ maxWidth: 360, margin: '10vh auto' }}>
      <h1>Sign in to Switchyard</h1>
      <form action={signIn} className="grid" style={{ gap: 10 }}>
        <input type="hidden" name="next" value={safeNext(next)} />
        <label>
          Username
          <input name="username" autoComplete="username" required maxLength={200} autoFocus />
        </label>
        <label>
          Password
          <input name="password" type="password" autoComplete="current-password" required maxLength={1024} />
        </label>
        <button type="submit" className="primary">
          Sign in
        </button>
        {failed && (
          <p className="notice error" role="alert">
            {MESSAGES.get(failed) ?? WRONG_PASSWORD}
          </p>
        )}
      </form>
      <p className="muted">Accounts are made by an admin on the Users page, or with switchyard users.</p>
    </main>
  );
}
