import { PROTOTYPE_MEMBER_NAMES, queryRows, testDatabaseUrl } from '@switchyard/testing';
import { anOrder, orderPlacedEvent } from '@switchyard/example-shop';
import fc from 'fast-check';
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { resetWithCatalogue } from './support/database.js';
import { namedPositionsOf, type OpenApiDocument, operationsOf, prototypeKeyCases, type Seed, storeRowsNamedAfterPrototypeMembers } from './support/prototype-cases.js';
import { createApiKey, TestStack } from './support/stack.js';

const db = testDatabaseUrl();
const RUNS = 10_000;

type Method = 'GET' | 'POST' | 'PUT' | 'DELETE' | 'PATCH' | 'OPTIONS' | 'HEAD';
interface FuzzRequest {
  method: Method;
  url: string;
  headers: Record<string, string>;
  body: string | Buffer | undefined;
}

// Values that have broken parsers before: unicode, control characters, NUL, lone surrogates, path tricks.
const nasty = fc.oneof(
  fc.string({ maxLength: 40 }),
  fc.string({ unit: 'grapheme', maxLength: 20 }),
  fc.string({ unit: 'binary', maxLength: 20 }),
  fc.constantFrom('', ' ', '\u0000', '\ud800', '..', '../..', '%', '%00', '%ZZ', 'null', '-1', '1e309', 'NaN', '00000000-0000-0000-0000-000000000000', 'test-timed', '🚀', 'x'.repeat(5000)),
);
// Nearly valid events, so ingest gets past its checks into storage and fan-out.
const timedEvent = fc.record(
  {
    type: fc.constant('test.timed'),
    data: fc.record({ ms: fc.integer({ min: -1, max: 5 }) }),
    id: nasty,
    source: nasty,
    priority: fc.integer({ min: -1, max: 3_000_000 }),
    delay: fc.integer({ min: -1, max: 10_000 }),
    idempotencyKey: nasty,
    subject: nasty,
  },
  { requiredKeys: ['type', 'data'] },
);
// Nearly valid schedules, so POST /v1/schedules gets past its shape into cron, zone and catalog checks.
const schedule = fc.record(
  {
    name: fc.oneof(nasty, fc.constantFrom('fuzz-a', 'fuzz.b', 'inventory.nightly-restock-check')),
    type: fc.constantFrom('test.timed', 'inventory.restock-check', 'nope'),
    data: fc.oneof(fc.record({ ms: fc.integer({ min: -1, max: 5 }) }), fc.record({ threshold: fc.integer({ min: -1, max: 10 }) }), fc.jsonValue({ maxDepth: 2 })),
    cron: fc.oneof(nasty, fc.constantFrom('* * * * *', '0 6 * * *', '*/5 * * * * *', '0 0 30 2 *', '@daily', 'H * * * *', '0 2 * * 0#6', '* * * * * * *')),
    timeZone: fc.oneof(nasty, fc.constantFrom('UTC', 'Europe/Berlin', 'America/St_Johns', '+01:00', 'Etc/GMT+14')),
    intervalMs: fc.oneof(fc.integer(), fc.double()),
    catchUp: fc.oneof(nasty, fc.constantFrom('skip', 'fire-once')),
    paused: fc.oneof(fc.boolean(), nasty),
  },
  { requiredKeys: [] },
);
const jsonish = fc.oneof(
  { weight: 1, arbitrary: schedule },
  { weight: 3, arbitrary: fc.jsonValue({ maxDepth: 4 }) },
  { weight: 3, arbitrary: fc.oneof(timedEvent, fc.array(timedEvent, { minLength: 1, maxLength: 20 })) },
  { weight: 2, arbitrary: fc.record({ type: fc.constantFrom('order.placed', 'test.timed', 'test.leaky', 'nope'), data: fc.jsonValue({ maxDepth: 3 }) }, { requiredKeys: [] }) },
  { weight: 1, arbitrary: fc.record({ filter: fc.jsonValue({ maxDepth: 2 }), dryRun: fc.boolean(), reason: nasty, ids: fc.array(nasty, { maxLength: 3 }), ratePerSecond: fc.integer() }, { requiredKeys: [] }) },
  { weight: 1, arbitrary: fc.array(fc.record({ type: fc.constantFrom('test.timed', 'order.placed'), data: fc.jsonValue({ maxDepth: 2 }), idempotencyKey: nasty }, { requiredKeys: ['type'] }), { maxLength: 5 }) },
  { weight: 1, arbitrary: fc.record({ specversion: fc.constantFrom('1.0', '0.3', 1), id: nasty, source: nasty, type: fc.constantFrom('order.placed', 'test.timed'), data: fc.jsonValue({ maxDepth: 2 }), data_base64: nasty }, { requiredKeys: [] }) },
);
const body: fc.Arbitrary<string | Buffer | undefined> = fc.oneof(
  { weight: 30, arbitrary: jsonish.map((value) => JSON.stringify(value)) },
  { weight: 10, arbitrary: nasty },
  { weight: 5, arbitrary: fc.constant(undefined) },
  { weight: 5, arbitrary: fc.constantFrom('{', '[', '{"type":', 'null', '[]', '{}', '"x"', '{"__proto__":{"a":1}}', '{"constructor":{"prototype":{}}}', '\ufeff{}') },
  { weight: 5, arbitrary: fc.uint8Array({ maxLength: 200 }).map((bytes) => Buffer.from(bytes)) },
  // Rarely, something huge: over API_MAX_BODY_BYTES, MAX_EVENT_BYTES, or MAX_BATCH_BYTES.
  { weight: 1, arbitrary: fc.constantFrom(70_000, 300_000, 4_300_000).map((size) => JSON.stringify({ type: 'test.leaky', data: { secret: 'x'.repeat(size), fail: false } })) },
);
const contentType = fc.constantFrom(
  'application/json',
  'application/json; charset=utf-8',
  'application/cloudevents+json',
  'application/cloudevents-batch+json',
  'text/plain',
  'application/x-www-form-urlencoded',
  'multipart/form-data; boundary=x',
  'application/vnd.x+json',
  '',
  '; ;',
);
const query = fc.dictionary(
  fc.oneof(fc.constantFrom('limit', 'cursor', 'since', 'until', 'q', 'type', 'state', 'start', 'end', 'queue', 'from', 'to', 'step', 'status', 'data.customer.id', 'data.items[].sku', 'data.a.b[]', 'data.'), nasty),
  nasty,
  { maxKeys: 4 },
);

/** `arbitrary` in `percent` of the runs, else null. */
function sometimes<T>(percent: number, arbitrary: fc.Arbitrary<T>): fc.Arbitrary<T | null> {
  return fc.oneof({ weight: percent, arbitrary }, { weight: 100 - percent, arbitrary: fc.constant(null) });
}

function pathFor(template: string, values: string[]): string {
  let index = 0;
  return template.replace(/\{[^}]+\}/g, () => encode(values[index++ % values.length] ?? 'x'));
}

describe(`fuzz: ${RUNS.toLocaleString('en')} generated requests across every endpoint`, () => {
  let stack: TestStack;
  let routes: Array<{ method: Method; path: string }>;
  let document: OpenApiDocument;
  let readOnly: string;

  before(async () => {
    await resetWithCatalogue(db);
    stack = await TestStack.start({ worker: false });
    readOnly = await createApiKey('fuzz-reader', ['events:read', 'ops:read']);
    document = (await stack.get<OpenApiDocument>('/docs-json')).body;
    routes = Object.entries(document.paths).flatMap(([path, operations]) => Object.keys(operations).map((method) => ({ method: method.toUpperCase() as Method, path })));
  });
  after(() => stack.close());

  it('never answers 5xx, and leaves nothing half-written', async () => {
    const request: fc.Arbitrary<FuzzRequest> = fc
      .record({
        route: fc.constantFrom(...routes),
        method: sometimes(10, fc.constantFrom<Method>('GET', 'POST', 'PUT', 'DELETE', 'PATCH', 'OPTIONS', 'HEAD')),
        params: fc.array(fc.oneof(nasty, fc.constantFrom('test-timed', 'email', 'payment', '00000000-0000-0000-0000-000000000000')), { minLength: 2, maxLength: 2 }),
        rawPath: sometimes(5, fc.array(nasty, { maxLength: 4 }).map((parts) => `/${parts.map(encode).join('/')}`)),
        query,
        auth: fc.oneof({ weight: 80, arbitrary: fc.constant('admin') }, { weight: 10, arbitrary: fc.constant('reader') }, { weight: 10, arbitrary: fc.constantFrom('none', 'garbage') }),
        // Mostly JSON, so most requests get past the media type to the parsers and handlers.
        contentType: fc.oneof({ weight: 70, arbitrary: fc.constant('application/json') }, { weight: 25, arbitrary: contentType }, { weight: 5, arbitrary: fc.constant(null) }),
        idempotencyKey: sometimes(20, nasty),
        ceHeaders: sometimes(10, fc.dictionary(fc.constantFrom('ce-specversion', 'ce-id', 'ce-source', 'ce-type', 'ce-time', 'ce-priority', 'ce-delay', 'ce-x'), nasty, { maxKeys: 5 })),
        actor: sometimes(20, nasty),
        body,
      })
      .map(({ route, method, params, rawPath, query: search, auth, contentType: type, idempotencyKey, ceHeaders, actor, body: payload }) => {
        const headers: Record<string, string> = {};
        if (auth === 'admin') headers.authorization = `Bearer ${stack.token}`;
        if (auth === 'reader') headers.authorization = `Bearer ${readOnly}`;
        if (auth === 'garbage') headers.authorization = 'Bearer sy_AAAAAAAA_' + 'A'.repeat(43);
        if (type !== null) headers['content-type'] = type;
        if (idempotencyKey !== null) headers['idempotency-key'] = idempotencyKey;
        if (actor !== null) headers['x-actor'] = actor;
        Object.assign(headers, ceHeaders ?? {});
        const url = `${rawPath ?? pathFor(route.path, params)}?${new URLSearchParams(search).toString()}`;
        return { method: method ?? route.method, url, headers, body: payload };
      })
      // The live stream never ends by itself: it is exercised by the matrix and queue tests.
      .filter((candidate) => !(['GET', 'HEAD'].includes(candidate.method) && candidate.url.startsWith('/v1/stream?') && /Bearer sy_(?!A{8})/.test(candidate.headers.authorization ?? '')));

    let sent = 0;
    const statuses = new Map<number, number>();
    await fc.assert(
      fc.asyncProperty(request, async (candidate) => {
        const headers = Object.fromEntries(Object.entries(candidate.headers).filter(([, value]) => isHeaderValue(value)));
        const response = await within(10_000, `${candidate.method} ${candidate.url}`, stack.api.inject({ method: candidate.method, url: candidate.url, headers, payload: candidate.body }));
        sent++;
        statuses.set(response.statusCode, (statuses.get(response.statusCode) ?? 0) + 1);
        if (response.statusCode >= 500 && response.statusCode !== 503) {
          assert.fail(`${candidate.method} ${candidate.url} → ${response.statusCode}: ${response.body.slice(0, 500)}`);
        }
        // 503 only ever means "retry": Postgres or Redis busy, or the ingest byte budget spent.
        if (response.statusCode === 503) assert.ok(response.headers['retry-after'], `${candidate.method} ${candidate.url} → 503 without Retry-After`);
      }),
      { numRuns: RUNS, seed: Number(process.env.FUZZ_SEED ?? Date.now() % 2 ** 31), endOnFailure: true },
    );
    assert.equal(sent, RUNS);
    console.log(`fuzz statuses: ${[...statuses].sort(([a], [b]) => a - b).map(([status, n]) => `${status}×${n}`).join(' ')}`);
    assert.ok(!statuses.has(503) || statuses.get(503)! < RUNS / 100, 'a few 503s at most');

    assert.deepEqual(await halfWritten(), []);
  });

  it('answers a prototype-member name in every place a user names something, on every route, with a 4xx problem or a success', async () => {
    const stored = await storeRowsNamedAfterPrototypeMembers(db);
    const plausible: Record<string, string> = { name: 'test-timed', username: 'fuzz-user', eventId: stored.eventId, id: stored.deadLetterId, jobId: `${stored.eventId}.constructor` };
    const event = { type: 'test.timed', source: 'urn:fuzz', subject: 's', data: { ms: 0 } };
    const filter = { status: 'open', queue: 'test-timed', handler: 'test.timed', eventType: 'test.timed' };
    // Seeds get past each route's shape checks, so a name reaches the lookups behind them; other routes' bodies come from their schema.
    const seeds: Record<string, Seed[]> = {
      'POST /v1/events': [
        { body: event },
        // Large enough for the fraud review's content filter on data.total.
        { body: orderPlacedEvent(anOrder({ items: [{ sku: 'SKU-RED-MUG', quantity: 1, unitPrice: 150_000 }] })) },
        { contentType: 'application/cloudevents+json', body: { specversion: '1.0', id: 'proto-ce', source: 'urn:fuzz', type: 'test.timed', region: 'eu', data: { ms: 0 } } },
        { headers: { 'ce-specversion': '1.0', 'ce-id': 'proto-binary', 'ce-source': 'urn:fuzz', 'ce-type': 'test.timed', 'ce-region': 'eu' }, body: { ms: 0 } },
      ],
      'POST /v1/events/batch': [
        { body: [{ ...event, idempotencyKey: 'proto-batch' }] },
        { contentType: 'application/cloudevents-batch+json', body: [{ specversion: '1.0', id: 'proto-ce-batch', source: 'urn:fuzz', type: 'test.timed', data: { ms: 0 } }] },
      ],
      'POST /v1/events/replay': [
        { body: { filter: { type: 'test.timed', source: 'urn:fuzz' }, handlers: ['test.timed'], dryRun: true } },
        { body: { filter: { ids: [stored.eventId] }, handlers: ['constructor'] } },
      ],
      'POST /v1/dead-letters/retry': [{ body: { filter, dryRun: true } }, { body: { filter: { handler: 'constructor' } } }],
      'POST /v1/dead-letters/discard': [{ body: { filter, dryRun: true, reason: 'r' } }, { body: { filter: { queue: 'constructor' }, reason: 'r' } }],
      'POST /v1/schedules': [
        { body: { name: 'fuzz-proto', type: 'test.timed', data: { ms: 0 }, intervalMs: 60_000, source: 'urn:fuzz', subject: 's' } },
        { body: { name: 'fuzz-proto-cron', type: 'test.timed', data: { ms: 0 }, cron: '0 6 * * *', timeZone: 'Europe/Berlin', catchUp: 'skip' } },
      ],
      'POST /v1/console/sessions': [{ body: { username: 'fuzz-user', password: 'not the password', clientIp: '127.0.0.1' } }],
      // Too short a password: the username and role are checked before it, and hashing one costs ~50 ms.
      'POST /v1/console/users': [{ body: { username: 'fuzz-user', password: 'short', role: 'viewer' } }],
      'PATCH /v1/console/users/{username}': [{ body: { role: 'viewer' } }, { body: { disabled: true } }],
    };
    const operations = operationsOf(document);
    assert.deepEqual(Object.keys(seeds).filter((route) => !operations.includes(route)), [], 'every seed names a route of the OpenAPI document');
    const cases = prototypeKeyCases(document, seeds, (param) => plausible[param] ?? 'x');
    const uncovered = operations.flatMap((route) =>
      namedPositionsOf(document, route)
        .filter((position) => !cases.some((candidate) => candidate.route === route && (candidate.position === position || candidate.position.startsWith(`${position}.`))))
        .map((position) => `${route}: ${position}`),
    );
    assert.deepEqual(uncovered, [], 'every route has a case for every place it takes a name (add a seed for a body the schema cannot describe)');

    const statuses = new Map<number, number>();
    const failures: string[] = [];
    const started = Date.now();
    // A few at a time: the console routes hash passwords (scrypt, ~50 ms each) on the thread pool.
    await inParallel(4, cases, async (candidate) => {
      const response = await within(10_000, `${candidate.method} ${candidate.url}`, send(stack, candidate));
      statuses.set(response.status, (statuses.get(response.status) ?? 0) + 1);
      const what = `${candidate.route} [${candidate.position}] ${candidate.method} ${candidate.url} ${candidate.body?.slice(0, 200) ?? ''} → ${response.status}`;
      if (response.status >= 500 && !(response.status === 503 && response.retryAfter)) failures.push(`${what}: ${response.text.slice(0, 300)}`);
      if (response.status >= 400 && response.status < 500) {
        const problem = parseJson(response.text) as { status?: number } | null;
        if (!/^application\/problem\+json/.test(response.contentType) || problem?.status !== response.status) failures.push(`${what}: not a problem+json (${response.contentType}) ${response.text.slice(0, 200)}`);
      }
    });
    console.log(`prototype-name cases: ${cases.length} in ${Date.now() - started} ms; ${[...statuses].sort(([a], [b]) => a - b).map(([status, n]) => `${status}×${n}`).join(' ')}`);
    assert.deepEqual(failures, []);
    assert.ok(!statuses.has(503) || statuses.get(503)! < cases.length / 100, 'a few 503s at most');
    assert.deepEqual(Object.getOwnPropertyNames(Object.prototype).sort(), [...PROTOTYPE_MEMBER_NAMES], 'nothing was added to Object.prototype');
    assert.deepEqual(await halfWritten(), []);
  });

  /** Nothing half-written: every stored event has the jobs its routes asked for, every key its event, every change its audit row. */
  async function halfWritten(): Promise<Array<{ what: string; n: number }>> {
    const orphans = await queryRows<{ what: string; n: number }>(
      db,
      `SELECT 'events without jobs' AS what, count(*)::int AS n FROM switchyard.events e
         WHERE e.type IN ('order.placed', 'test.timed', 'test.leaky') AND NOT EXISTS (SELECT 1 FROM switchyard.jobs j WHERE j.event_id = e.id)
       UNION ALL
       SELECT 'keys without events', count(*)::int FROM switchyard.idempotency_keys k WHERE NOT EXISTS (SELECT 1 FROM switchyard.events e WHERE e.id = k.event_id)
       UNION ALL
       SELECT 'schedules without audit', count(*)::int FROM switchyard.schedules s
         WHERE s.origin = 'api' AND NOT EXISTS (SELECT 1 FROM switchyard.audit_log a WHERE a.action = 'schedule.create' AND a.target = 'schedule:' || s.name)
       UNION ALL
       SELECT 'operations without audit', count(*)::int FROM switchyard.operations o WHERE NOT EXISTS (SELECT 1 FROM switchyard.audit_log a WHERE a.operation_id = o.id)`,
    );
    return orphans.filter((row) => row.n > 0);
  }
});

/** Sends a case over HTTP as the admin key; a stream's answer is its status and headers. */
async function send(stack: TestStack, candidate: { method: string; url: string; headers: Record<string, string>; body?: string }) {
  const controller = new AbortController();
  const response = await fetch(stack.url(candidate.url), {
    method: candidate.method,
    headers: { ...stack.auth, ...candidate.headers },
    body: candidate.body,
    signal: controller.signal,
  });
  const contentType = response.headers.get('content-type') ?? '';
  let text = '';
  if (contentType.startsWith('text/event-stream')) controller.abort();
  else text = await response.text();
  return { status: response.status, contentType, retryAfter: response.headers.get('retry-after'), text };
}

/** Runs `work` over `items`, at most `limit` at once. */
async function inParallel<T>(limit: number, items: T[], work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const lane = async () => {
    while (next < items.length) await work(items[next++]);
  };
  await Promise.all(Array.from({ length: limit }, lane));
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}

/** A request that does not answer is a failure too (and names itself). */
function within<T>(ms: number, what: string, work: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`${what}: no answer in ${ms} ms`)), ms)));
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
}

/** Percent-encodes any string (a lone surrogate becomes U+FFFD first). */
function encode(value: string): string {
  return encodeURIComponent(value.toWellFormed());
}

/** What HTTP allows in a header value; the client refuses the rest before sending. */
function isHeaderValue(value: string): boolean {
  return /^[\t\x20-\x7e\x80-\xff]*$/.test(value);
}
