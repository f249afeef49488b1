/**
 * The console's configuration, read once: where the Switchyard API is. The
 * console talks to nothing else — never to Redis or Postgres.
 */
function apiUrlFromEnv(): string {
  const raw = process.env.SWITCHYARD_API_URL ?? 'http://127.0.0.1:3000';
  try {
    const url = new URL(raw);
    if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new Error('not http(s)');
    return url.toString().replace(/\/$/, '');
  } catch {
    throw new Error(`SWITCHYARD_API_URL must be an http(s) URL such as http://127.0.0.1:3000; got ${JSON.stringify(raw)}`);
  }
}

export const apiUrl = apiUrlFromEnv();

/**
 * The console's API key (SWITCHYARD_API_KEY), sent with every API call from
 * the server; the browser never sees it. The console needs admin: it signs
 * people in (/v1/console/*) and the API takes the signed-in user (X-Actor) for
 * the audit trail. Empty when the API runs with AUTH_MODE=off.
 */
const apiKey = process.env.SWITCHYARD_API_KEY ?? '';

/** The prefix of the console's own key, so the Keys page can mark it (and not offer to revoke it). */
export const apiKeyPrefix = /^sy_([A-Za-z0-9]{8})_/.exec(apiKey)?.[1] ?? null;

/** Headers every API call from the console carries. */
export function apiHeaders(): Record<string, string> {
  return apiKey ? { authorization: `Bearer ${apiKey}` } : {};
}

/**
 * CONSOLE_SECURE_COOKIE=true marks the session cookie Secure, so browsers send
 * it over https only. Set it wherever the console is served over https; it is
 * off by default because a laptop serves http://127.0.0.1:3001.
 */
export const secureCookie = (process.env.CONSOLE_SECURE_COOKIE ?? 'false').toLowerCase() === 'true';
