import { headers } from 'next/headers';
import { redirect } from 'next/navigation';
import type { ReactNode } from 'react';
import { Nav } from '../../components/nav';
import { Problem } from '../../components/problem';
import { load } from '../../lib/load';
import { SessionProvider } from '../../components/session-context';
import { SignOutForm } from '../../components/sign-out-form';
import { currentSession } from '../../lib/session';

// Every page in this group needs a signed-in user; the session is checked
// against the API on each request, so a signed-out or disabled user is
// turned away at once.
export const dynamic = 'force-dynamic';

export default async function ConsoleLayout({ children }: { children: ReactNode }) {
  // An API that does not answer is said plainly, not hidden behind a redirect loop.
  const loaded = await load(currentSession);
  if (!loaded.ok) return <main id="content"><Problem error={loaded.error} /></main>;
  const session = loaded.data;
  if (!session) {
    // Back to where they were going once signed in (set by proxy.ts; checked again by safeNext on the way back).
    const path = (await headers()).get('x-console-path') ?? '/';
    redirect(path === '/' ? '/sign-in' : `/sign-in?next=${encodeURIComponent(path)}`);
  }
  return (
    <SessionProvider value={{ username: session.username, role: session.role, csrfToken: session.csrfToken }}>
      <div className="shell">
        <nav className="sidebar" aria-label="Main">
          <div className="brand">Switchyard</div>
          <Nav admin={session.role === 'admin'} />
          <SignOutForm username={session.username} role={session.role} csrfToken={session.csrfToken} />
        </nav>
        <main id="content">{children}</main>
      </div>
    </SessionProvider>
  );
}
