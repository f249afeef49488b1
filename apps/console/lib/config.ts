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
