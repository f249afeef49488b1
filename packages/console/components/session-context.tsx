'use client';

import { createContext, type ReactNode, useContext } from 'react';
import { allows, type Role } from '../lib/roles';

type Signed = { username: string; role: Role; csrfToken: string };

const SessionContext = createContext<Signed>({ username: '', role: 'viewer', csrfToken: '' });

/** Who is signed in and the session's CSRF token, for client components that call actions. */
export function SessionProvider({ value, children }: { value: Signed; children: ReactNode }) {
  return <SessionContext.Provider value={value}>{children}</SessionContext.Provider>;
}

export function useConsoleSession(): Signed & { can: (needed: Role) => boolean } {
  const session = useContext(SessionContext);
  return { ...session, can: (needed) => allows(session.role, needed) };
}
