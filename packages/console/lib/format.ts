/** 850 ms, 12.3 s, 4 min 12 s, 2 h 3 min, 3 d 4 h. */
export function duration(ms: number | null | undefined): string {
  if (ms === null || ms === undefined) return '—';
  if (ms < 1_000) return `${Math.round(ms)} ms`;
  const seconds = ms / 1_000;
  if (seconds < 60) return `${seconds.toFixed(seconds < 10 ? 1 : 0)} s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${minutes} min ${Math.floor(seconds % 60)} s`;
  const hours = Math.floor(minutes / 60);
  if (hours < 48) return `${hours} h ${minutes % 60} min`;
  return `${Math.floor(hours / 24)} d ${hours % 24} h`;
}

export function rate(perSecond: number): string {
  if (perSecond === 0) return '0/s';
  if (perSecond < 1) return `${(perSecond * 60).toFixed(1)}/min`;
  return `${perSecond < 10 ? perSecond.toFixed(1) : Math.round(perSecond)}/s`;
}

export function count(value: number): string {
  return new Intl.NumberFormat('en').format(value);
}

/** 2026-11-25 08:54:44 (UTC), compact and sortable. */
export function timestamp(iso: string | null | undefined): string {
  if (!iso) return '—';
  return iso.replace('T', ' ').replace(/\.\d+Z$|Z$/, '');
}

/** "12 s ago" relative to `now`: pass the browser's clock from useNow, never Date.now() while rendering (see components/use-now.ts). */
export function ago(iso: string | null | undefined, now: number): string {
  if (!iso) return '—';
  const ms = now - Date.parse(iso);
  return ms < 0 ? `in ${duration(-ms)}` : `${duration(ms)} ago`;
}

export function json(value: unknown): string {
  return JSON.stringify(value, null, 2);
}
