import { apiHeaders, apiUrl } from '../../../lib/config';
import { currentSession } from '../../../lib/session';

export const dynamic = 'force-dynamic';

const STREAM_HEADERS = { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache, no-transform', 'x-accel-buffering': 'no' };

/**
 * Passes the API's Server-Sent Events through to the browser, so the console
 * is the only origin the browser talks to. A closed tab aborts the upstream.
 * Every answer is a 200 stream: an EventSource answered with anything else
 * gives up for good (and logs a failed load). While the API is down or
 * failing, the stream is empty and asks the browser to come back in 2 s, so
 * the page goes live again once the API is back; a session that has ended
 * gets a `signed-out` event, and the page sends the user to sign in.
 */
export async function GET(request: Request): Promise<Response> {
  const retryLater = () => new Response('retry: 2000\n\n', { status: 200, headers: STREAM_HEADERS });
  // The session is the API's to check: an API that does not answer is "later", not "signed out".
  const session = await currentSession().catch(() => undefined);
  if (session === undefined) return retryLater();
  if (session === null) return new Response('event: signed-out\ndata: {}\n\n', { status: 200, headers: STREAM_HEADERS });
  const upstream = await fetch(`${apiUrl}/v1/stream`, { signal: request.signal, cache: 'no-store', headers: { ...apiHeaders(), accept: 'text/event-stream' } }).catch(() => null);
  if (!upstream || upstream.status >= 500) {
    await upstream?.body?.cancel();
    return retryLater();
  }
  return new Response(upstream.body, { status: upstream.status, headers: STREAM_HEADERS });
}
