import { PROTOTYPE_MEMBER_NAMES, testDatabaseUrl } from '@switchyard/testing';
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { buildConsole, startConsole } from './support/console.js';
import { resetWithCatalogue } from './support/database.js';
import { aConsoleUser, PASSWORD } from './support/sign-in.js';
import { TestStack } from './support/stack.js';

const db = testDatabaseUrl();
const appDir = join(__dirname, '..', '..', 'packages', 'console', 'app');
/**
 * The query parameters console pages read, but for `since` and `until`: those
 * are timestamps, and an invalid one would stop a search before the names in
 * the others are used.
 */
const QUERY = ['type', 'source', 'sourceId', 'cursor', 'state', 'page', 'status', 'queue', 'handler', 'eventType', 'fingerprint', 'q', 'ok', 'error', 'failed', 'next'];

/** The console's pages as URL templates (`/queues/[name]`), from its app directory, so a new page is covered. */
function consolePages(dir = appDir): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return entry.name === 'api' ? [] : consolePages(path);
    if (entry.name !== 'page.tsx') return [];
    const segments = relative(appDir, dir).split(sep).filter((segment) => segment && !/^\(.*\)$/.test(segment));
    return [`/${segments.join('/')}`];
  });
}

/**
 * A server component that throws renders the error page (or a 500): the
 * streamed payload then carries the error's digest. notFound() carries a
 * NEXT_HTTP_ERROR_FALLBACK digest, which is a page's normal answer.
 */
function renderFailure(status: number, html: string): string | null {
  if (status >= 500) return `status ${status}`;
  const digest = /E\{\\"digest\\":\\"(?!NEXT_)([^\\]*)\\"/.exec(html);
  return digest ? `a server error (digest ${digest[1]})` : null;
}

describe('the console answers names that Object.prototype has, in its URLs, like any other name', () => {
  let stack: TestStack;
  let consoleUrl: string;
  let stopConsole: () => Promise<void>;
  let cookie: string;

  before(async () => {
    await resetWithCatalogue(db);
    stack = await TestStack.start({ worker: false });
    buildConsole();
    ({ url: consoleUrl, stop: stopConsole } = await startConsole(stack.apiUrl, stack.token));
    await aConsoleUser('ada', { role: 'admin' });
    const session = await stack.post<{ token: string }>('/v1/console/sessions', { username: 'ada', password: PASSWORD, clientIp: 'proto' });
    assert.equal(session.status, 201, session.text);
    cookie = `sy_session=${session.body.token}`;
  });
  after(async () => {
    await stopConsole?.();
    await stack?.close();
  });

  it('the sign-in page shows the generic failure for any ?failed= it does not know', async () => {
    for (const name of PROTOTYPE_MEMBER_NAMES) {
      const answer = await fetch(`${consoleUrl}/sign-in?failed=${encodeURIComponent(name)}`);
      const html = await answer.text();
      assert.equal(renderFailure(answer.status, html), null, `?failed=${name}`);
      assert.match(html, /role="alert">Wrong username or password\.</, `?failed=${name}`);
    }
  });

  it('every page renders with such a name as each path parameter, every query value, a query name and a data filter', async () => {
    const pages = consolePages();
    assert.ok(pages.includes('/queues/[name]/jobs/[jobId]') && pages.includes('/sign-in'), `pages found: ${pages.join(', ')}`);
    const urls: string[] = [];
    for (const page of pages) {
      const params = [...page.matchAll(/\[([^\]]+)\]/g)].map((match) => match[1]);
      const fill = (values: Record<string, string>) => page.replace(/\[([^\]]+)\]/g, (_, param: string) => encodeURIComponent(values[param] ?? 'test-timed'));
      for (const name of PROTOTYPE_MEMBER_NAMES) {
        for (const param of params) urls.push(fill({ [param]: name }));
        const query: Array<[string, string]> = [...QUERY.map((key): [string, string] => [key, name]), ['data', `${name} = x; customer.${name} = 1`], [name, 'x']];
        urls.push(`${fill({})}?${new URLSearchParams(query)}`);
      }
    }
    const failures: string[] = [];
    let next = 0;
    // A few at a time: each is a server render that calls the API.
    const lane = async () => {
      while (next < urls.length) {
        const url = urls[next++];
        const answer = await fetch(`${consoleUrl}${url}`, { headers: url.startsWith('/sign-in') ? {} : { cookie }, redirect: 'manual' });
        const failure = renderFailure(answer.status, await answer.text());
        if (failure) failures.push(`${url}: ${failure}`);
      }
    };
    await Promise.all([lane(), lane(), lane()]);
    assert.deepEqual(failures, []);
  });
});
