const HERE = 'http://console.invalid';

/**
 * Where to go after signing in: a path on this console, never another site.
 * `//evil.example`, `/\evil.example` and paths hiding a tab or newline (which
 * browsers strip, turning `/\t/evil.example` into `//evil.example`) all go to `/`.
 */
export function safeNext(raw: unknown): string {
  const next = typeof raw === 'string' ? raw : '';
  if (!next.startsWith('/') || /[\\\x00-\x1f\x7f]/.test(next)) return '/';
  try {
    const url = new URL(next, HERE);
    return url.origin === HERE ? `${url.pathname}${url.search}${url.hash}` : '/';
  } catch {
    return '/';
  }
}
