import { queryRows, testDatabaseUrl } from '@switchyard/testing';
import fc from 'fast-check';
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { resetWithCatalogue } from './support/database.js';
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
  let readOnly: string;

  before(async () => {
    await resetWithCatalogue(db);
    stack = await TestStack.start({ worker: false });
    readOnly = await createApiKey('fuzz-reader', ['events:read', 'ops:read']);
    const document = (await stack.get<{ paths: Record<string, Record<string, unknown>> }>('/docs-json')).body;
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

    // Nothing half-written: every stored event has the jobs its routes asked for, every key its event.
    const orphans = await queryRows<{ what: string; n: number }>(
      db,
      `SELECT 'events without jobs' AS what, count(*)::int AS n FROM events e
         WHERE e.type IN ('order.placed', 'test.timed', 'test.leaky') AND NOT EXISTS (SELECT 1 FROM jobs j WHERE j.event_id = e.id)
       UNION ALL
       SELECT 'keys without events', count(*)::int FROM idempotency_keys k WHERE NOT EXISTS (SELECT 1 FROM events e WHERE e.id = k.event_id)
       UNION ALL
       SELECT 'schedules without audit', count(*)::int FROM schedules s
         WHERE s.origin = 'api' AND NOT EXISTS (SELECT 1 FROM audit_log a WHERE a.action = 'schedule.create' AND a.target = 'schedule:' || s.name)
       UNION ALL
       SELECT 'operations without audit', count(*)::int FROM operations o WHERE NOT EXISTS (SELECT 1 FROM audit_log a WHERE a.operation_id = o.id)`,
    );
    assert.deepEqual(orphans.filter((row) => row.n > 0), []);
  });
});

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
