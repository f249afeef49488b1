'use client';

import { ago, timestamp } from '../lib/format';
import { useNow } from './use-now';

/**
 * "12 s ago" by the browser's clock, ticking; the absolute UTC time on the
 * server and while hydrating (see useNow), so both renders agree. The exact
 * time is in the title either way.
 */
export function Ago({ iso }: { iso: string | null | undefined }) {
  const now = useNow();
  if (!iso) return <span className="muted">—</span>;
  return (
    <time dateTime={iso} title={iso}>
      {now === null ? timestamp(iso) : ago(iso, now)}
    </time>
  );
}
