import { ApiKeyVerifier, type Scope, SCOPES } from '@switchyard/server/internal';
import { queryRows, testDatabaseUrl, waitFor } from '@switchyard/testing';
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { resetWithCatalogue } from './support/database.js';
import { createApiKey, TestStack } from './support/stack.js';

const db = testDatabaseUrl();

interface Route {
  method: 'GET' | 'POST' | 'DELETE';
  path: string;
  scope: Scope | 'public';
}

/** Scopes chosen on purpose, pinned so that changing one is a decision (the matrix below covers every route anyway). */
const PINNED: Route[] = [
  // Creating a schedule mints events on a timer, outside any producer key's rate limit: admin.
  { method: 'POST', path: '/v1/schedules', scope: 'admin' },
  { method: 'GET', path: '/v1/schedules', scope: 'ops:read' },
  { method: 'GET', path: '/v1/schedules/{name}', scope: 'ops:read' },
  { method: 'DELETE', path: '/v1/schedules/{name}', scope: 'ops:write' },
  { method: 'POST', path: '/v1/schedules/{name}/pause', scope: 'ops:write' },
  { method: 'POST', path: '/v1/schedules/{name}/resume', scope: 'ops:write' },
  // Retiring a route changes what every event fans out to: an operator's write, like a queue's pause.
  { method: 'DELETE', path: '/v1/routes/{handler}', scope: 'ops:write' },
  // The correlation tree is event data, like the lineage.
  { method: 'GET', path: '/v1/events/{eventId}/tree', scope: 'events:read' },
];

/** Every documented route with the scope it declares (x-required-scope); a route without one fails here. */
async function documentedRoutes(stack: TestStack): Promise<Route[]> {
  const document = (await stack.get<{ paths: Record<string, Record<string, { 'x-required-scope'?: string }>> }>('/docs-json')).body;
  const routes: Route[] = [];
  for (const [path, operations] of Object.entries(document.paths)) {
    for (const [method, operation] of Object.entries(operations)) {
      const scope = operation['x-required-scope'];
      assert.ok(scope === 'public' || SCOPES.includes(scope as Scope), `${method.toUpperCase()} ${path} declares no scope`);
      routes.push({ method: method.toUpperCase() as Route['method'], path, scope: scope as Route['scope'] });
    }
  }
  return routes;
}

/** A concrete URL for a templated path: ids that exist nowhere, a queue that does. */
function concrete(path: string): string {
  return path
    .replace('{id}', '00000000-0000-0000-0000-000000000000')
    .replace('{eventId}', '00000000-0000-0000-0000-000000000000')
    .replace('{name}', 'test-timed')
    .replace('{jobId}', 'no-such-job')
    .replace('{handler}', 'no.such-handler')
    .replace(/\/metrics\/(throughput|lag)$/, '/metrics/$1?queue=test-timed');
}

/** Calls a route as `authorization` and returns the status (a stream is closed once its head arrives). */
async function statusOf(stack: TestStack, route: Route, authorization: string | null): Promise<number> {
  const controller = new AbortController();
  const headers: Record<string, string> = authorization ? { authorization } : {};
  // Bodies that change nothing: a dry run, or one a route rejects as invalid.
  const body = route.method === 'POST' ? JSON.stringify(route.path.includes('replay') ? { filter: {}, dryRun: true } : { dryRun: true }) : undefined;
  if (body) headers['content-type'] = 'application/json';
  const response = await fetch(stack.url(concrete(route.path)), { method: route.method, headers, body, signal: controller.signal });
  const status = response.status;
  if (status === 401) assert.match(response.headers.get('www-authenticate') ?? '', /^Bearer/, `${route.method} ${route.path}: 401 without a challenge`);
  if (status === 401 || status === 403) assert.match(response.headers.get('content-type') ?? '', /application\/problem\+json/);
  controller.abort();
  return status;
}

describe('the authorization matrix: every route × every kind of caller', () => {
  let stack: TestStack;
  const tokens: Record<string, string> = {};

  before(async () => {
    await resetWithCatalogue(db);
    stack = await TestStack.start({ worker: false });
    for (const scope of SCOPES) tokens[scope] = await createApiKey(`matrix-${scope.replace(':', '-')}`, [scope]);
    tokens.revoked = await createApiKey('matrix-revoked', ['admin']);
    await queryRows(db, "UPDATE switchyard.api_keys SET revoked_at = now() WHERE name = 'matrix-revoked'");
  });
  after(() => stack.close());

  it('answers 401 without a valid key, 403 without the scope, and lets the scope (or admin) through', async () => {
    const routes = await documentedRoutes(stack);
    assert.ok(routes.length >= 25, `found ${routes.length} routes`);
    for (const pinned of PINNED) assert.ok(routes.some((route) => route.method === pinned.method && route.path === pinned.path && route.scope === pinned.scope), `${pinned.method} ${pinned.path} needs ${pinned.scope}`);
    const unknownKey = `sy_AAAAAAAA_${'x'.repeat(43)}`;
    const wrongSecret = tokens.admin.slice(0, -4) + (tokens.admin.endsWith('AAAA') ? 'BBBB' : 'AAAA');
    const anonymous: Array<[string, string | null]> = [
      ['no key', null],
      ['not bearer', `Basic ${Buffer.from('a:b').toString('base64')}`],
      ['malformed', 'Bearer nonsense'],
      ['unknown key', `Bearer ${unknownKey}`],
      ['wrong secret', `Bearer ${wrongSecret}`],
      ['revoked key', `Bearer ${tokens.revoked}`],
    ];
    const failures: string[] = [];
    for (const route of routes) {
      const label = `${route.method} ${route.path} (${route.scope})`;
      for (const [who, authorization] of anonymous) {
        const status = await statusOf(stack, route, authorization);
        const expected = route.scope === 'public' ? status !== 401 && status !== 403 : status === 401;
        if (!expected) failures.push(`${label} as ${who}: ${status}`);
      }
      for (const scope of SCOPES) {
        const status = await statusOf(stack, route, `Bearer ${tokens[scope]}`);
        const allowed = route.scope === 'public' || scope === 'admin' || scope === route.scope;
        if (allowed ? status === 401 || status === 403 : status !== 403) failures.push(`${label} as ${scope}: ${status}`);
        if (status >= 500) failures.push(`${label} as ${scope}: ${status}`);
      }
    }
    assert.deepEqual(failures, []);
  });

  it('serves the API’s /metrics only with ops:read, and /docs without a key', async () => {
    assert.equal((await fetch(stack.url('/metrics'))).status, 401);
    assert.equal((await fetch(stack.url('/metrics'), { headers: { authorization: `Bearer ${tokens['ops:read']}` } })).status, 200);
    assert.equal((await fetch(stack.url('/docs-json'))).status, 200);
    const document = (await stack.get<{ components: { securitySchemes: Record<string, { scheme: string }> } }>('/docs-json')).body;
    assert.equal(document.components.securitySchemes.bearer.scheme, 'bearer');
  });

  it('refuses a body without a valid key before reading it', async () => {
    const answer = await fetch(stack.url('/v1/events'), { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ type: 'x', data: {} }) });
    assert.equal(answer.status, 401);
    assert.equal(answer.headers.get('www-authenticate'), 'Bearer realm="switchyard"');
    assert.deepEqual(await queryRows(db, 'SELECT count(*)::int AS n FROM switchyard.events'), [{ n: 0 }]);
  });

  it('records the key as the actor; only admin keys may name someone else (X-Actor)', async () => {
    await queryRows(db, 'DELETE FROM switchyard.audit_log'); // the matrix above paused queues too
    const pause = (token: string, actor: string) =>
      fetch(stack.url('/v1/queues/test-timed/pause'), { method: 'POST', headers: { authorization: `Bearer ${token}`, 'x-actor': actor } });
    assert.equal((await pause(tokens['ops:write'], 'mallory')).status, 200);
    assert.equal((await pause(tokens.admin, 'dana')).status, 200);
    const actors = await queryRows<{ actor: string }>(db, "SELECT actor FROM switchyard.audit_log WHERE action = 'queue.pause' ORDER BY id");
    assert.deepEqual(actors.map((row) => row.actor), ['key:matrix-ops-write', 'dana']);
  });

  it('stops accepting a revoked key within the cache time, and records when keys were used', async () => {
    const token = await createApiKey('matrix-soon-revoked', ['ops:read']);
    const call = () => fetch(stack.url('/v1/queues'), { headers: { authorization: `Bearer ${token}` } }).then((response) => response.status);
    assert.equal(await call(), 200);
    await queryRows(db, "UPDATE switchyard.api_keys SET revoked_at = now() WHERE name = 'matrix-soon-revoked'");
    await waitFor('the revoked key refused', async () => (await call()) === 401, { timeoutMs: 7_000, intervalMs: 250 });
    await stack.api.get(ApiKeyVerifier).beforeApplicationShutdown(); // the background flush, now
    const [used] = await queryRows<{ n: number }>(db, "SELECT count(*)::int AS n FROM switchyard.api_keys WHERE name = 'matrix-soon-revoked' AND last_used_at IS NOT NULL");
    assert.equal(used.n, 1);
  });
});

describe('development mode (AUTH_MODE=off)', () => {
  let stack: TestStack;
  before(async () => {
    await resetWithCatalogue(db);
    stack = await TestStack.start({ worker: false, env: { AUTH_MODE: 'off' } });
  });
  after(() => stack.close());

  it('takes requests without a key, says so in /health/ready, and takes X-Actor as given', async () => {
    assert.equal(stack.token, '');
    const ready = await stack.get<{ auth: string }>('/health/ready');
    assert.equal(ready.body.auth, 'off');
    assert.equal((await stack.get('/v1/queues')).status, 200);
    assert.equal((await stack.post('/v1/queues/test-timed/pause', '', { 'X-Actor': 'erin' })).status, 200);
    assert.deepEqual(await queryRows(db, "SELECT actor FROM switchyard.audit_log WHERE action = 'queue.pause'"), [{ actor: 'erin' }]);
  });
});
