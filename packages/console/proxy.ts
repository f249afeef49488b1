import { type NextRequest, NextResponse } from 'next/server';

/**
 * Hands the page its own path (x-console-path), so a signed-out visitor is
 * sent to /sign-in?next=<path> and lands back there. Always overwritten here:
 * a value sent by the browser never reaches the page (and `next` is checked
 * by safeNext anyway).
 */
export function proxy(request: NextRequest): NextResponse {
  const headers = new Headers(request.headers);
  headers.set('x-console-path', `${request.nextUrl.pathname}${request.nextUrl.search}`);
  return NextResponse.next({ request: { headers } });
}

export const config = { matcher: ['/((?!_next/|api/|sign-in|icon.svg|favicon.ico).*)'] };
