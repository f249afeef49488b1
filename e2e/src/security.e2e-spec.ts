import type { AcceptedEvent, Problem } from '@switchyard/core/contracts';
import { get, post, queryRows, runNode, testDatabaseUrl, ThrowawayRedis } from '@switchyard/testing';
import { anOrder, orderPlacedEvent } from '@switchyard/example-shop';
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { resetWithCatalogue } from './support/database.js';
import { createApiKey, TestStack } from './support/stack.js';

const db = testDatabaseUrl();
const HTTP_METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'];
const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

describe('per-key ingest limits and idempotency', () => {
  let stack: TestStack;
  before(async () => {
    await resetWithCatalogue(db);
    stack = await TestStack.start({ worker: false });
  });
  after(() => stack.close());

  it('answers 429 with Retry-After once a key has sent its events per second, counting each event of a batch', async () => {
    const token = await createApiKey('limited', ['events:write'], 5);
    const batch = Array.from({ length: 5 }, () => ({ type: 'test.timed', data: { ms: 0 } }));
    assert.equal((await post(stack.url('/v1/events/batch'), batch, bearer(token))).status, 207);
    // Five more events need a whole second of allowance: refused however slowly this machine answered the first batch.
    const refused = await post<Problem>(stack.url('/v1/events/batch'), batch, bearer(token));
    assert.equal(refused.status, 429);
    assert.match(refused.headers.get('content-type')!, /application\/problem\+json/);
    assert.ok(Number(refused.headers.get('retry-after')) >= 1, `Retry-After ${refused.headers.get('retry-after')}`);
    assert.equal(refused.body.type, 'urn:switchyard:problem:rate-limited');
    assert.deepEqual(await queryRows(db, "SELECT count(*)::int AS n FROM events WHERE type = 'test.timed'"), [{ n: 5 }]);
    // Another key has its own allowance (the deployment default: unlimited).
    const other = await createApiKey('unlimited', ['events:write']);
    for (let n = 0; n < 8; n++) assert.equal((await post(stack.url('/v1/events'), { type: 'test.timed', data: { ms: 0 } }, bearer(other))).status, 202);
  });

  it('keeps idempotency keys apart per API key', async () => {
    const [alpha, beta] = [await createApiKey('producer-a', ['events:write']), await createApiKey('producer-b', ['events:write'])];
    const key = { 'Idempotency-Key': 'order-1001' };
    const first = await post<AcceptedEvent>(stack.url('/v1/events'), orderPlacedEvent(anOrder()), { ...bearer(alpha), ...key });
    const second = await post<AcceptedEvent>(stack.url('/v1/events'), orderPlacedEvent(anOrder()), { ...bearer(beta), ...key });
    assert.deepEqual([first.status, second.status], [202, 202], 'another producer’s key neither collides nor replays');
    assert.notEqual(first.body.eventId, second.body.eventId);
    const replay = await post<AcceptedEvent>(stack.url('/v1/events'), orderPlacedEvent(anOrder()), { ...bearer(alpha), ...key });
    assert.equal(replay.status, 422, 'the same key with another body, for the same producer');
    assert.match((replay.body as unknown as Problem).detail!, /"order-1001"/);
    // CloudEvents source + id are scoped the same way.
    const cloudEvent = { specversion: '1.0', id: 'evt-1', source: 'urn:shop', type: 'order.placed', data: anOrder() };
    const ce = { 'content-type': 'application/cloudevents+json' };
    const a = await post<AcceptedEvent>(stack.url('/v1/events'), cloudEvent, { ...bearer(alpha), ...ce });
    const b = await post<AcceptedEvent>(stack.url('/v1/events'), cloudEvent, { ...bearer(beta), ...ce });
    const again = await post<AcceptedEvent>(stack.url('/v1/events'), cloudEvent, { ...bearer(alpha), ...ce });
    assert.deepEqual([a.status, b.status, again.status], [202, 202, 200]);
    assert.equal(again.body.eventId, a.body.eventId);
  });

  it('limits every other body to API_MAX_BODY_BYTES with a 413 problem, while ingest keeps its own limits', async () => {
    const big = JSON.stringify({ reason: 'x'.repeat(70_000) });
    const refused = await stack.post<Problem>('/v1/dead-letters/discard', big);
    assert.equal(refused.status, 413);
    assert.match(refused.body.detail!, /65536 bytes \(API_MAX_BODY_BYTES\)/);
    assert.equal((await stack.post('/v1/events', { type: 'test.leaky', data: { secret: 'y'.repeat(100_000), fail: false } })).status, 202);
  });
});

describe('the rate limiter when Redis is down', () => {
  let redis: ThrowawayRedis;
  let stack: TestStack;
  before(async () => {
    await resetWithCatalogue(db);
    redis = await ThrowawayRedis.start();
    stack = await TestStack.start({ worker: false, env: { REDIS_URL: redis.url, INGEST_RATE_LIMIT_PER_SEC: '1' } });
  });
  after(async () => {
    await stack.close();
    await redis.dispose();
  });

  it('lets events in (the outbox carries them) rather than refuse them', async () => {
    await redis.stop();
    for (let n = 0; n < 3; n++) assert.equal((await stack.post('/v1/events', { type: 'test.timed', data: { ms: 0 } })).status, 202);
  });
});

describe('headers and CORS', () => {
  let open: TestStack;
  let closed: TestStack;
  before(async () => {
    await resetWithCatalogue(db);
    closed = await TestStack.start({ worker: false });
    open = await TestStack.start({ worker: false, env: { CORS_ORIGINS: 'https://ops.example.com' } });
  });
  after(async () => {
    await open.close();
    await closed.close();
  });

  it('sends security headers on every answer, errors included', async () => {
    for (const [path, auth] of [['/v1/queues', closed.auth], ['/v1/queues', {}], ['/health/live', {}], ['/v1/nowhere', closed.auth]] as const) {
      const response = await fetch(closed.url(path), { headers: auth });
      assert.equal(response.headers.get('x-content-type-options'), 'nosniff', path);
      assert.equal(response.headers.get('x-frame-options'), 'DENY', path);
      assert.equal(response.headers.get('referrer-policy'), 'no-referrer', path);
      assert.match(response.headers.get('content-security-policy')!, /default-src 'none'.*frame-ancestors 'none'/, path);
      if (path.startsWith('/v1')) assert.equal(response.headers.get('cache-control'), 'no-store', path);
    }
    const docs = await fetch(closed.url('/docs'));
    assert.match(docs.headers.get('content-security-policy')!, /script-src 'self'/);
    const stream = new AbortController();
    const sse = await fetch(closed.url('/v1/stream'), { headers: closed.auth, signal: stream.signal });
    assert.equal(sse.headers.get('x-frame-options'), 'DENY');
    stream.abort();
  });

  it('is closed to browsers by default, and open only to the origins in CORS_ORIGINS', async () => {
    const preflight = (stack: TestStack, origin: string) =>
      fetch(stack.url('/v1/queues'), { method: 'OPTIONS', headers: { origin, 'access-control-request-method': 'GET', 'access-control-request-headers': 'authorization' } });
    const none = await preflight(closed, 'https://ops.example.com');
    assert.equal(none.headers.get('access-control-allow-origin'), null);
    const allowed = await preflight(open, 'https://ops.example.com');
    assert.equal(allowed.status, 204);
    assert.equal(allowed.headers.get('access-control-allow-origin'), 'https://ops.example.com');
    assert.match(allowed.headers.get('access-control-allow-headers')!, /authorization/);
    const other = await preflight(open, 'https://evil.example.net');
    assert.equal(other.headers.get('access-control-allow-origin'), null);
    const read = await fetch(open.url('/v1/queues'), { headers: { ...open.auth, origin: 'https://ops.example.com' } });
    assert.equal(read.headers.get('access-control-allow-origin'), 'https://ops.example.com');
    const foreign = await fetch(open.url('/v1/queues'), { headers: { ...open.auth, origin: 'https://evil.example.net' } });
    assert.equal(foreign.headers.get('access-control-allow-origin'), null);
  });

  it('allows in a preflight every method the OpenAPI document lists, to the listed origins only', async () => {
    const document = await get<{ paths: Record<string, Record<string, unknown>> }>(open.url('/docs-json'));
    assert.equal(document.status, 200);
    const operations = Object.entries(document.body.paths).flatMap(([path, item]) =>
      Object.keys(item)
        .filter((key) => HTTP_METHODS.includes(key))
        .map((method) => ({ method: method.toUpperCase(), path: path.replace(/\{[^}]+\}/g, 'x') })),
    );
    assert.ok(['GET', 'POST', 'DELETE', 'PATCH'].every((method) => operations.some((op) => op.method === method)), 'the document lists what the API serves');
    const preflight = (path: string, method: string, origin: string) =>
      fetch(open.url(path), { method: 'OPTIONS', headers: { origin, 'access-control-request-method': method, 'access-control-request-headers': 'authorization, content-type' } });
    for (const { method, path } of operations) {
      const allowed = await preflight(path, method, 'https://ops.example.com');
      assert.equal(allowed.status, 204, `${method} ${path}`);
      assert.equal(allowed.headers.get('access-control-allow-origin'), 'https://ops.example.com', `${method} ${path}`);
      const methods = allowed.headers.get('access-control-allow-methods')?.split(/,\s*/) ?? [];
      assert.ok(methods.includes(method), `${method} ${path}: Access-Control-Allow-Methods ${methods.join(', ')}`);
      const refused = await preflight(path, method, 'https://evil.example.net');
      assert.equal(refused.headers.get('access-control-allow-origin'), null, `${method} ${path} from another origin`);
      assert.equal(refused.headers.get('access-control-allow-methods'), null, `${method} ${path} from another origin`);
    }
  });
});

describe('npm run keys', () => {
  let stack: TestStack;
  before(async () => {
    await resetWithCatalogue(db);
    stack = await TestStack.start({ worker: false });
  });
  after(() => stack.close());

  const keys = async (...args: string[]) => {
    const run = runNode('packages/server/dist/surfaces/cli/keys.cli.js', { DATABASE_URL: db }, args);
    const { code } = await run.exited;
    return { code, output: run.output() };
  };
  const count = async () => (await queryRows<{ n: number }>(db, 'SELECT count(*)::int AS n FROM api_keys'))[0].n;

  it('creates a key whose token (shown once) works, lists it without its secret, and revokes it', async () => {
    const created = await keys('create', '--name', 'checkout', '--scopes', 'events:write,events:read', '--rate-limit', '50');
    assert.equal(created.code, 0, created.output);
    const token = /^(sy_[A-Za-z0-9]{8}_[A-Za-z0-9_-]{43,})$/m.exec(created.output)?.[1];
    assert.ok(token, created.output);
    const [row] = await queryRows<{ secret_hash: string; scopes: string[]; rate_limit_per_sec: number }>(db, "SELECT secret_hash, scopes, rate_limit_per_sec FROM api_keys WHERE name = 'checkout'");
    assert.deepEqual(row.scopes, ['events:write', 'events:read']);
    assert.equal(row.rate_limit_per_sec, 50);
    // The secret is everything after "sy_<prefix>_" (base64url, so it may itself hold '_').
    const secret = token.slice('sy_'.length + 8 + 1);
    assert.ok(secret.length >= 43 && !row.secret_hash.includes(secret), 'only a hash is stored');
    assert.match(row.secret_hash, /^[0-9a-f]{64}$/);
    assert.equal((await fetch(stack.url('/v1/events?limit=1'), { headers: bearer(token) })).status, 200);

    const listed = await keys('list');
    assert.equal(listed.code, 0);
    assert.match(listed.output, /checkout\tsy_[A-Za-z0-9]{8}_…\tevents:write,events:read\t50 events\/s\tactive\tlast used|never used/);
    assert.ok(!listed.output.includes(token), 'list never shows a token');

    const revoked = await keys('revoke', '--name', 'checkout');
    assert.equal(revoked.code, 0, revoked.output);
    assert.deepEqual(await queryRows(db, "SELECT revoked_at IS NOT NULL AS revoked FROM api_keys WHERE name = 'checkout'"), [{ revoked: true }]);
  });

  it('refuses bad input with a clear message and exit 2, writing nothing', async () => {
    const before = await count();
    const cases: Array<[string[], RegExp]> = [
      [['create', '--name', 'x', '--scopes', 'events:write,root'], /Unknown scope "root"/],
      [['create', '--name', 'bad name', '--scopes', 'admin'], /name must be/],
      [['create', '--scopes', 'admin'], /create needs --name/],
      [['create', '--name', 'y'], /create needs --scopes/],
      [['create', '--name', 'y', '--scopes', 'admin', '--rate-limit', 'fast'], /--rate-limit must be a whole number/],
      [['create', '--name', 'y', '--scopes', 'admin', '--colour', 'red'], /Unknown option '--colour'/],
      [['create', '--name', 'checkout', '--scopes', 'admin'], /already exists/],
      [['revoke', '--name', 'nobody'], /No key named "nobody"/],
      [['rotate'], /Unknown command "rotate"/],
      [[], /No command given/],
    ];
    for (const [args, message] of cases) {
      const { code, output } = await keys(...args);
      assert.equal(code, 2, `${args.join(' ')}: ${output}`);
      assert.match(output, message, args.join(' '));
    }
    assert.equal(await count(), before);
  });
});
