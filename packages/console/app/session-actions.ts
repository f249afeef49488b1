'use server';

import { cookies, headers } from 'next/headers';
import { redirect } from 'next/navigation';
import { api, ApiError } from '../lib/api';
import { secureCookie } from '../lib/config';
import { safeNext } from '../lib/safe-next';
import { authorize, currentSession, Refused, SESSION_COOKIE } from '../lib/session';

/**
 * The sign-in form. Any failure — unknown user, wrong password, disabled
 * user — reads the same; the API throttles repeated failures per username and
 * per client address.
 */
export async function signIn(form: FormData): Promise<void> {
  const username = String(form.get('username') ?? '').slice(0, 200);
  const password = String(form.get('password') ?? '').slice(0, 1024);
  const next = safeNext(form.get('next'));
  if (!username || !password) redirect(`/sign-in?failed=1&next=${encodeURIComponent(next)}`);
  const forwarded = (await headers()).get('x-forwarded-for')?.split(',')[0]?.trim();
  let answer: { token: string; session: { expiresAt: string } };
  try {
    answer = await api('/v1/console/sessions', { method: 'POST', body: { username, password, clientIp: forwarded || 'direct' } });
  } catch (error) {
    const reason = error instanceof ApiError && error.status === 429 ? 'throttled' : error instanceof ApiError && error.status === 422 ? '1' : 'unavailable';
    redirect(`/sign-in?failed=${reason}&next=${encodeURIComponent(next)}`);
  }
  (await cookies()).set(SESSION_COOKIE, answer.token, {
    httpOnly: true,
    sameSite: 'lax',
    secure: secureCookie,
    path: '/',
    expires: new Date(answer.session.expiresAt),
  });
  redirect(next);
}

/**
 * Ends the session on the server (the token stops working), then drops the
 * cookie. A refusal (a stale page's CSRF token) comes back as the message the
 * sign-out form shows; the session stays.
 */
export async function signOut(_previous: string | null, form: FormData): Promise<string | null> {
  const jar = await cookies();
  const token = jar.get(SESSION_COOKIE)?.value;
  // A session that has already ended needs no token to leave; a live one does.
  if (token && (await currentSession())) {
    try {
      await authorize('viewer', form.get('csrf'));
    } catch (error) {
      if (error instanceof Refused) return error.message;
      throw error;
    }
    await api('/v1/console/session', { method: 'DELETE', headers: { 'x-console-session': token } });
  }
  jar.delete(SESSION_COOKIE);
  redirect('/sign-in');
}
