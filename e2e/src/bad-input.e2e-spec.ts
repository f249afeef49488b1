import type { AcceptedEvent, BatchResult, Problem } from '@switchyard/core/contracts';
import { PROTOTYPE_MEMBER_NAMES, queryRows, testDatabaseUrl } from '@switchyard/testing';
import { anOrder, orderPlacedEvent } from '@switchyard/example-shop';
import { resetWithCatalogue } from './support/database.js';
import fc from 'fast-check';
import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import { TestStack } from './support/stack.js';

const db = testDatabaseUrl();

async function stored(): Promise<{ events: number; jobs: number; keys: number }> {
  const [row] = await queryRows<{ events: number; jobs: number; keys: number }>(
    db,
    'SELECT (SELECT count(*)::int FROM switchyard.events) AS events, (SELECT count(*)::int FROM switchyard.jobs) AS jobs, (SELECT count(*)::int FROM switchyard.idempotency_keys) AS keys',
  );
  return row;
}

describe('bad input gets a clear problem+json answer and leaves nothing behind', () => {
  let stack: TestStack;
  let queued: () => Promise<number>;
  before(async () => {
    await resetWithCatalogue(db);
    stack = await TestStack.start({ worker: false });
    queued = async () => {
      let total = 0;
      for (const name of ['inventory', 'payment', 'email']) {
        const counts = await stack.queue(name).getJobCounts();
        total += Object.values(counts).reduce((sum, count) => sum + count, 0);
      }
      return total;
    };
  });
  after(() => stack.close());

  let baseline: { events: number; jobs: number; keys: number };
  beforeEach(async () => {
    baseline = await stored();
  });

  async function rejects(body: string | object, headers: Record<string, string>, status: number, type: string): Promise<Problem> {
    const answer = await stack.post<Problem>('/v1/events', body, headers);
    assert.equal(answer.status, status, answer.text);
    assert.match(answer.headers.get('content-type') ?? '', /^application\/problem\+json/);
    assert.equal(answer.body.status, status);
    assert.equal(answer.body.type, type);
    assert.ok(answer.body.title && answer.body.detail, 'problems carry a title and a detail');
    assert.deepEqual(await stored(), baseline, 'nothing stored');
    assert.equal(await queued(), 0, 'nothing queued');
    return answer.body;
  }

  it('400 for malformed JSON, saying where', async () => {
    const problem = await rejects('{"type": "order.placed", "data": {', { 'Idempotency-Key': 'bad-json' }, 400, 'urn:switchyard:problem:malformed-json');
    assert.match(problem.detail ?? '', /not valid JSON/);
  });

  it('400 for an empty body', async () => {
    await rejects('', {}, 400, 'urn:switchyard:problem:malformed-json');
  });

  it('400 naming each field that fails the event schema', async () => {
    const order = anOrder({ currency: 'euro' });
    order.items[0] = { ...order.items[0], quantity: 0 };
    delete (order.customer as { email?: string }).email;
    const problem = await rejects(orderPlacedEvent(order, { priority: 0 }), {}, 400, 'urn:switchyard:problem:invalid-event');
    assert.deepEqual(problem.errors?.map((error) => error.path), ['priority']);
    const dataProblem = await rejects(orderPlacedEvent(order), {}, 400, 'urn:switchyard:problem:invalid-event');
    const paths = dataProblem.errors?.map((error) => error.path).sort();
    // Checked with the JSON Schema the shop's worker registered.
    assert.deepEqual(paths, ['data.currency', 'data.customer.email', 'data.items.0.quantity']);
    assert.equal(dataProblem.errors?.find((error) => error.path === 'data.customer.email')?.message, 'is required');
  });

  it('400 for unknown envelope fields and contradictory timing', async () => {
    const typo = await rejects({ ...orderPlacedEvent(), dleay: 500 }, {}, 400, 'urn:switchyard:problem:invalid-event');
    assert.deepEqual(typo.errors, [{ path: 'dleay', message: 'is not a known field' }]);
    const both = await rejects(orderPlacedEvent(anOrder(), { delay: 5, deliverAt: '2030-01-01T00:00:00Z' }), {}, 400, 'urn:switchyard:problem:invalid-event');
    assert.equal(both.errors?.[0].path, 'deliverAt');
  });

  it('422 for an unknown event type, listing the known ones', async () => {
    const problem = await rejects({ type: 'order.teleported', data: {} }, {}, 422, 'urn:switchyard:problem:unknown-event-type');
    assert.ok(problem.knownTypes?.includes('order.placed'));
    assert.match(problem.detail ?? '', /order\.teleported/);
  });

  it('422 unknown type for types named after Object.prototype members, in every format', async () => {
    for (const type of PROTOTYPE_MEMBER_NAMES) {
      const plain = await rejects({ type, data: {} }, {}, 422, 'urn:switchyard:problem:unknown-event-type');
      assert.ok(plain.knownTypes?.includes('order.placed'), `${type}: the known types are listed`);
      assert.ok(!plain.knownTypes?.includes(type), `${type} is not listed as known`);
      const ceAttributes = { specversion: '1.0', id: `proto-${type}`, source: 'urn:test', type, data: {} };
      await rejects(ceAttributes, { 'content-type': 'application/cloudevents+json' }, 422, 'urn:switchyard:problem:unknown-event-type');
      const binary = { 'ce-specversion': '1.0', 'ce-id': `proto-${type}`, 'ce-source': 'urn:test', 'ce-type': type };
      await rejects({}, binary, 422, 'urn:switchyard:problem:unknown-event-type');
    }
  });

  it('a batch answers 422 for each type named after an Object.prototype member, beside a good event', async () => {
    const good = orderPlacedEvent();
    const items = [good, ...PROTOTYPE_MEMBER_NAMES.map((type) => ({ type, data: {} }))];
    const { status, body, text } = await stack.post<BatchResult>('/v1/events/batch', items);
    assert.equal(status, 207, text);
    assert.deepEqual(body.items.map((item) => item.status), [202, ...PROTOTYPE_MEMBER_NAMES.map(() => 422)]);
    for (const item of body.items.slice(1)) assert.equal(item.problem?.type, 'urn:switchyard:problem:unknown-event-type');
    const ce = PROTOTYPE_MEMBER_NAMES.map((type) => ({ specversion: '1.0', id: `proto-batch-${type}`, source: 'urn:test', type, data: {} }));
    const cloud = await stack.post<BatchResult>('/v1/events/batch', ce, { 'content-type': 'application/cloudevents-batch+json' });
    assert.equal(cloud.status, 207, cloud.text);
    assert.deepEqual(cloud.body.items.map((item) => item.status), PROTOTYPE_MEMBER_NAMES.map(() => 422));
    assert.equal((await stored()).events, baseline.events + 1, 'only the good event is stored');
    for (const name of ['inventory', 'payment']) await stack.queue(name).obliterate({ force: true });
  });

  it('keeps data keys named after Object.prototype members as data, and tells bodies that differ only there apart', async () => {
    const data = JSON.parse('{"ms": 0, "__proto__": {"polluted": true}, "constructor": "c", "toString": 1, "hasOwnProperty": null}');
    const sent = await stack.post<AcceptedEvent>('/v1/events', JSON.stringify({ type: 'test.timed', data }), { 'Idempotency-Key': 'proto-data' });
    assert.equal(sent.status, 202, sent.text);
    const read = await stack.get<{ data: unknown }>(`/v1/events/${sent.body.eventId}`);
    assert.equal(read.status, 200, read.text);
    assert.match(read.text, /"__proto__":\{"polluted":true\}/, 'the __proto__ key is stored and answered as data');
    assert.deepEqual(Object.keys(read.body.data as object).sort(), ['__proto__', 'constructor', 'hasOwnProperty', 'ms', 'toString']);
    assert.equal(({} as { polluted?: boolean }).polluted, undefined, 'nothing reached Object.prototype');
    const same = await stack.post('/v1/events', JSON.stringify({ type: 'test.timed', data }), { 'Idempotency-Key': 'proto-data' });
    assert.equal(same.status, 200, 'the same body replays');
    const other = JSON.parse('{"ms": 0, "__proto__": {"polluted": false}, "constructor": "c", "toString": 1, "hasOwnProperty": null}');
    const reused = await stack.post<Problem>('/v1/events', JSON.stringify({ type: 'test.timed', data: other }), { 'Idempotency-Key': 'proto-data' });
    assert.equal(reused.status, 422, `a body differing only under __proto__ is not a replay: ${reused.text}`);
    await stack.queue('test-timed').obliterate({ force: true });
  });

  it('413 for a body over MAX_EVENT_BYTES', async () => {
    const order = anOrder({ customer: { id: 'cus_1', email: 'a@example.com', name: 'x'.repeat(300 * 1024) } });
    const problem = await rejects(orderPlacedEvent(order), {}, 413, 'urn:switchyard:problem:payload-too-large');
    assert.match(problem.detail ?? '', /262144/);
  });

  it('413 for a batch over 1,000 events, with nothing stored', async () => {
    const events = Array.from({ length: 1001 }, () => orderPlacedEvent());
    const answer = await stack.post<Problem>('/v1/events/batch', events);
    assert.equal(answer.status, 413);
    assert.deepEqual(await stored(), baseline);
  });

  it('415 for an unsupported or missing content type', async () => {
    await rejects('type=order.placed', { 'content-type': 'application/x-www-form-urlencoded' }, 415, 'urn:switchyard:problem:unsupported-media-type');
    await rejects('<event/>', { 'content-type': 'application/xml' }, 415, 'urn:switchyard:problem:unsupported-media-type');
    const noType = await fetch(stack.url('/v1/events'), { method: 'POST', headers: stack.auth, body: new Uint8Array(Buffer.from('{}')) });
    assert.equal(noType.status, 415);
  });

  it('400 for strings Postgres cannot store, instead of a failed insert', async () => {
    const order = anOrder({ customer: { id: 'cus_\u0000', email: 'a@example.com' } });
    const problem = await rejects(orderPlacedEvent(order), {}, 400, 'urn:switchyard:problem:invalid-event');
    assert.equal(problem.errors?.[0].path, 'data.customer.id');
    const deep = await rejects(orderPlacedEvent(anOrder(), { data: JSON.parse('['.repeat(2000) + ']'.repeat(2000)) }), {}, 400, 'urn:switchyard:problem:invalid-event');
    assert.match(deep.errors?.[0].message ?? '', /nested deeper/);
  });

  it('a batch answers each item on its own and stores only the good ones', async () => {
    const good = orderPlacedEvent();
    const { status, body } = await stack.post<BatchResult>('/v1/events/batch', [good, { type: 'nope', data: {} }, { type: 'order.placed' }, 42]);
    assert.equal(status, 207);
    assert.deepEqual(body.items.map((item) => item.status), [202, 422, 400, 400]);
    assert.equal(body.items[2].problem?.errors?.[0].path, 'data');
    const after = await stored();
    assert.equal(after.events, baseline.events + 1);
    assert.equal(after.jobs, baseline.jobs + 2, 'inventory.reserve and payment.charge');
    assert.equal(await queued(), 2);
    for (const name of ['inventory', 'payment']) await stack.queue(name).obliterate({ force: true });
  });

  it('never answers 5xx to arbitrary bodies and headers (property-based fuzz)', async () => {
    const json = fc.jsonValue({ maxDepth: 4 });
    const envelopeLike = fc.record(
      {
        type: fc.oneof(fc.constantFrom('order.placed', 'order.shipped', 'order.cancelled'), fc.string()),
        data: fc.oneof(json, fc.constant(anOrder())),
        id: fc.string(),
        source: fc.string(),
        subject: fc.string(),
        priority: fc.oneof(fc.integer(), fc.double(), fc.string()),
        delay: fc.oneof(fc.integer(), fc.string()),
        deliverAt: fc.oneof(fc.date({ noInvalidDate: true }).map((date) => date.toISOString()), fc.string()),
        specversion: fc.constantFrom('1.0', '0.3', 1),
        data_base64: fc.base64String(),
      },
      { requiredKeys: [] },
    );
    const body = fc.oneof(
      fc.string().map((text) => text),
      json.map((value) => JSON.stringify(value)),
      envelopeLike.map((value) => JSON.stringify(value)),
      fc.array(envelopeLike, { maxLength: 5 }).map((value) => JSON.stringify(value)),
      fc.uint8Array({ maxLength: 200 }).map((bytes) => Buffer.from(bytes).toString('latin1')),
    );
    const contentType = fc.constantFrom(
      'application/json',
      'application/cloudevents+json',
      'application/cloudevents-batch+json',
      'application/json; charset=utf-8',
      'text/plain',
      'application/vnd.custom+json',
      '',
    );
    const ceHeaders = fc.record(
      { 'ce-specversion': fc.constantFrom('1.0', '2'), 'ce-id': fc.string({ minLength: 1 }), 'ce-source': fc.string({ minLength: 1 }), 'ce-type': fc.constantFrom('order.placed', 'x'), 'ce-priority': fc.string() },
      { requiredKeys: [] },
    );
    const printable = (value: string) => /^[\x20-\x7e]*$/.test(value);
    await fc.assert(
      fc.asyncProperty(body, contentType, ceHeaders, fc.boolean(), async (payload, type, ce, batch) => {
        const headers: Record<string, string> = { 'content-type': type };
        for (const [name, value] of Object.entries(ce)) if (printable(value)) headers[name] = value;
        const answer = await stack.post(batch ? '/v1/events/batch' : '/v1/events', payload, headers);
        assert.ok(answer.status < 500, `${answer.status} for ${type} ${JSON.stringify(payload).slice(0, 200)}: ${answer.text.slice(0, 300)}`);
        if (answer.status >= 400) assert.match(answer.headers.get('content-type') ?? '', /problem\+json/);
        if (!batch && answer.status >= 400) assert.deepEqual(await stored(), baseline);
        if (answer.status < 300) baseline = await stored();
      }),
      { numRuns: 400 },
    );
  });
});
