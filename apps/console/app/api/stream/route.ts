import { apiHeaders, apiUrl } from '../../../lib/config';
import { currentSession } from '../../../lib/session';

export const dynamic = 'force-dynamic';

/**
 * Passes the API's Server-Sent Events through to the browser, so the console
 * is the only origin the browser talks to. A closed tab aborts the upstream.
 */
export async function GET(request: Request): Promise<Response> {
  let upstream: Response;
  try {
    if (!(await currentSession())) return Response.json({ title: 'Unauthorized', status: 401, detail: 'Sign in first' }, { status: 401 });
    upstream = await fetch(`${apiUrl}/v1/stream`, { signal: request.signal, cache: 'no-store', headers: { ...apiHeaders(), accept: 'text/event-stream' } });
  } catch {
    return new Response('retry: 2000\n\n', { status: 503, headers: { 'content-type': 'text/event-stream' } });
  }
  return new Response(upstream.body, {
    status: upstream.status,
    headers: { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache, no-transform', 'x-accel-buffering': 'no' },
  });
}
