import { waitFor } from '@switchyard/testing';
import type { Page } from 'playwright-core';
import { expectAbortedRequest } from './console.js';

/** A server action request as the browser sent it (URL, headers, body). */
export interface CapturedAction {
  url: string;
  headers: Record<string, string>;
  body: string;
}

/** What the console answered a replayed action: status, body, and where it redirected (server actions redirect in a header). */
export interface ActionAnswer {
  status: number;
  text: string;
  redirect: string;
  setCookie: string;
}

/**
 * Runs `trigger` on `page` and catches the server action request it sends,
 * aborted, so nothing happens: the real request (action id, router state,
 * body encoding) without having to rebuild Next's wire format.
 */
export async function captureAction(page: Page, trigger: () => Promise<void>): Promise<CapturedAction> {
  let captured: CapturedAction | undefined;
  await page.route('**/*', async (route) => {
    const request = route.request();
    if (request.method() !== 'POST' || !(await request.headerValue('next-action')) || captured) return route.continue();
    const headers = Object.fromEntries(Object.entries(await request.allHeaders()).filter(([name]) => !name.startsWith(':') && !['host', 'content-length', 'connection', 'cookie'].includes(name)));
    captured = { url: request.url(), headers, body: request.postData() ?? '' };
    expectAbortedRequest(page, request.url());
    await route.abort();
  });
  try {
    await trigger();
    await waitFor('the action request', async () => captured !== undefined);
  } finally {
    await page.unroute('**/*');
  }
  return captured!;
}

/**
 * Sends a captured action again with `cookie` as the session and every
 * `swap` key in the body replaced by its value (the CSRF token, the target).
 */
export async function replayAction(action: CapturedAction, cookie: string | null, swap: Record<string, string> = {}, headers: Record<string, string> = {}): Promise<ActionAnswer> {
  let body = action.body;
  for (const [from, to] of Object.entries(swap)) {
    if (!body.includes(from)) throw new Error(`the captured action's body has no ${JSON.stringify(from)}: ${body.slice(0, 300)}`);
    body = body.split(from).join(to);
  }
  const answer = await fetch(action.url, {
    method: 'POST',
    headers: { ...action.headers, ...(cookie ? { cookie: `sy_session=${cookie}` } : {}), ...headers },
    body,
    redirect: 'manual',
  });
  const redirect = decodeURIComponent(answer.headers.get('x-action-redirect') ?? answer.headers.get('location') ?? '');
  return { status: answer.status, text: await answer.text(), redirect, setCookie: answer.headers.get('set-cookie') ?? '' };
}
