import { timingSafeEqual } from 'node:crypto';
import { cookies } from 'next/headers';
import { cache } from 'react';
import { api, ApiError } from './api';
import { allows, type Role } from './roles';

export type { Role };

/** The cookie that carries the session token: httpOnly, SameSite=Lax, Secure with CONSOLE_SECURE_COOKIE. */
export const SESSION_COOKIE = 'sy_session';


export interface Session {
  username: string;
  role: Role;
  csrfToken: string;
  expiresAt: string;
}

/** The signed-in user, asked of the API once per request; null when signed out or expired. */
export const currentSession = cache(async (): Promise<Session | null> => {
  const token = (await cookies()).get(SESSION_COOKIE)?.value;
  if (!token) return null;
  try {
    return await api<Session>('/v1/console/session', { headers: { 'x-console-session': token } });
  } catch (error) {
    if (error instanceof ApiError && error.status === 404) return null;
    throw error;
  }
});

/** Why a change was refused; the UI shows it as the action's error. */
export class Refused extends Error {}

/**
 * Every server action that changes something starts here: a live session, a
 * role that allows it, and the session's CSRF token. Next already refuses
 * actions whose Origin is not this host; the token also stops a request forged
 * from a same-site page or a proxy that strips Origin.
 */
export async function authorize(needed: Role, csrfToken: unknown): Promise<Session> {
  const session = await currentSession();
  if (!session) throw new Refused('Your session has ended; sign in again');
  const given = Buffer.from(typeof csrfToken === 'string' ? csrfToken : '');
  const expected = Buffer.from(session.csrfToken);
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) throw new Refused('Refused: the form’s CSRF token does not match your session; reload the page');
  if (!allows(session.role, needed)) throw new Refused(`Forbidden: ${session.username} is a ${session.role}; this needs ${needed}`);
  return session;
}
