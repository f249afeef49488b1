import type { Metadata } from 'next';
import type { ReactNode } from 'react';
import { actor } from '../lib/api';
import { setActor } from './actions';
import { Nav } from '../components/nav';
import './globals.css';

export const metadata: Metadata = { title: 'Switchyard', description: 'Throughput, consumer lag and failed-job triage' };

export default async function RootLayout({ children }: { children: ReactNode }) {
  const who = await actor();
  return (
    <html lang="en">
      <body>
        <div className="shell">
          <nav className="sidebar" aria-label="Main">
            <div className="brand">Switchyard</div>
            <Nav />
            <form action={setActor} aria-label="Operator name for the audit trail">
              <label htmlFor="actor" style={{ color: '#cbd5e1' }}>
                Acting as
              </label>
              <input id="actor" name="actor" defaultValue={who} maxLength={100} />
              <button type="submit" style={{ padding: '3px 8px', fontSize: 12 }}>
                Save
              </button>
            </form>
          </nav>
          <main id="content">{children}</main>
        </div>
      </body>
    </html>
  );
}
