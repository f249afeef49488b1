import Link from 'next/link';
import type { ReactNode } from 'react';
import { timestamp } from '../lib/format';

export function Badge({ value, label }: { value: string; label?: string }) {
  return <span className={`badge ${value}`}>{label ?? value}</span>;
}

export function Time({ iso }: { iso: string | null | undefined }) {
  if (!iso) return <span className="muted">—</span>;
  return (
    <time dateTime={iso} title={iso}>
      {timestamp(iso)}
    </time>
  );
}

export function Empty({ children }: { children: ReactNode }) {
  return <div className="empty">{children}</div>;
}

/** Server-side pagination: a link to the next page, and back to the first. */
export function Pager({ next, first, label = 'Older' }: { next: string | null; first: string | null; label?: string }) {
  if (!next && !first) return null;
  return (
    <nav className="pager" aria-label="Pages">
      {first && <Link href={first}>« Newest</Link>}
      {next && <Link href={next}>{label} »</Link>}
    </nav>
  );
}

/** Same path with some query parameters changed (undefined removes one). */
export function withParams(path: string, current: Record<string, string | undefined>, changes: Record<string, string | undefined>): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries({ ...current, ...changes })) if (value) params.set(key, value);
  const text = params.toString();
  return text ? `${path}?${text}` : path;
}
