import { apiHeaders, apiUrl } from '../../../../lib/config';
import { currentSession } from '../../../../lib/session';

export const dynamic = 'force-dynamic';

// Only reads go through here (series for the charts, operation progress), for
// signed-in users only; there is no POST/PUT/DELETE export, so Next answers
// other methods 405 and every change goes through a server action, which
// checks the session, the role and the CSRF token.
const READABLE = /^(metrics\/(throughput|lag)|operations\/[0-9a-f-]+|queues|dead-letters\/stats)$/;

export async function GET(request: Request, context: { params: Promise<{ path: string[] }> }): Promise<Response> {
  const path = (await context.params).path.join('/');
  if (!READABLE.test(path)) return Response.json({ title: 'Not found', status: 404 }, { status: 404 });
  try {
    if (!(await currentSession())) return Response.json({ title: 'Unauthorized', status: 401, detail: 'Sign in first' }, { status: 401 });
    const upstream = await fetch(`${apiUrl}/v1/${path}${new URL(request.url).search}`, { cache: 'no-store', headers: apiHeaders() });
    return new Response(upstream.body, { status: upstream.status, headers: { 'content-type': upstream.headers.get('content-type') ?? 'application/json' } });
  } catch {
    return Response.json({ title: 'Service unavailable', status: 503, detail: `The Switchyard API at ${apiUrl} did not answer` }, { status: 503 });
  }
}
