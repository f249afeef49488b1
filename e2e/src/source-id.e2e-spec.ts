import type { AcceptedEvent, BatchResult, EventLineage, EventPage, Problem } from '@switchyard/core/contracts';
import { queryRows, testDatabaseUrl } from '@switchyard/testing';
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { resetWithCatalogue } from './support/database.js';
import { TestStack } from './support/stack.js';

const db = testDatabaseUrl();
const data = { ms: 1 };

/**
 * The producer's own id for an event (`sourceId`): the CloudEvents `id`, a
 * plain event's `id` or else its Idempotency-Key. Shown on the event and in
 * the list, kept with the event (not only with its expiring key), and found
 * with GET /v1/events?source=&sourceId=.
 */
describe("the producer's id for an event (sourceId)", () => {
  let stack: TestStack;
  before(async () => {
    await resetWithCatalogue(db);
    stack = await TestStack.start({ worker: false });
  });
  after(() => stack?.close());

  const event = async (id: string) => (await stack.get<EventLineage>(`/v1/events/${id}`)).body;
  const search = async (query: string) => {
    const answer = await stack.get<EventPage>(`/v1/events?${query}`);
    assert.equal(answer.status, 200, answer.text);
    return answer.body.items;
  };
  const accepted = (answer: { status: number; body: AcceptedEvent; text: string }) => {
    assert.equal(answer.status, 202, answer.text);
    return answer.body.eventId;
  };

  it('CloudEvents, structured and binary: the id is the sourceId, on the event, in the list and as a filter', async () => {
    const structured = accepted(
      await stack.post<AcceptedEvent>('/v1/events', { specversion: '1.0', id: 'ce-structured-1', source: 'urn:test:ce', type: 'test.timed', data }, {
        'content-type': 'application/cloudevents+json',
      }),
    );
    const binary = accepted(
      await stack.post<AcceptedEvent>('/v1/events', JSON.stringify(data), {
        'content-type': 'application/json',
        'ce-specversion': '1.0',
        'ce-id': 'ce-binary-1',
        'ce-source': 'urn:test:ce',
        'ce-type': 'test.timed',
      }),
    );
    for (const [eventId, sourceId] of [[structured, 'ce-structured-1'], [binary, 'ce-binary-1']]) {
      const lineage = await event(eventId);
      assert.deepEqual([lineage.source, lineage.sourceId], ['urn:test:ce', sourceId]);
      const found = await search(`source=urn:test:ce&sourceId=${sourceId}`);
      assert.deepEqual(found.map((item) => [item.eventId, item.source, item.sourceId]), [[eventId, 'urn:test:ce', sourceId]]);
    }
  });

  it('plain JSON: the Idempotency-Key is the sourceId and stays with the event after the key expires; without a key it is null', async () => {
    const keyed = accepted(
      await stack.post<AcceptedEvent>('/v1/events', { type: 'test.timed', source: 'urn:shop:checkout', data }, { 'Idempotency-Key': 'checkout-7f3a' }),
    );
    assert.equal((await event(keyed)).sourceId, 'checkout-7f3a');
    // What the key sweeper does once IDEMPOTENCY_TTL_HOURS have passed.
    await queryRows(db, 'DELETE FROM switchyard.idempotency_keys WHERE event_id = $1', [keyed]);
    assert.equal((await event(keyed)).sourceId, 'checkout-7f3a', 'the event keeps it');
    assert.deepEqual((await search('source=urn:shop:checkout&sourceId=checkout-7f3a')).map((item) => item.eventId), [keyed]);

    const unkeyed = accepted(await stack.post<AcceptedEvent>('/v1/events', { type: 'test.timed', source: 'urn:shop:checkout', data }));
    assert.equal((await event(unkeyed)).sourceId, null);
    const listed = await search('source=urn:shop:checkout');
    assert.deepEqual(listed.map((item) => [item.eventId, item.sourceId]), [[unkeyed, null], [keyed, 'checkout-7f3a']]);

    // A plain event's own id comes first; a batch item's idempotencyKey stands in for the header.
    const withId = accepted(await stack.post<AcceptedEvent>('/v1/events', { type: 'test.timed', id: 'evt-9', data }, { 'Idempotency-Key': 'other-key' }));
    assert.equal((await event(withId)).sourceId, 'evt-9');
    const batch = await stack.post<BatchResult>('/v1/events/batch', [{ type: 'test.timed', idempotencyKey: 'batch-item-1', data }]);
    assert.equal(batch.status, 207, batch.text);
    assert.equal((await event(batch.body.items[0].event!.eventId)).sourceId, 'batch-item-1');
  });

  it('finds by sourceId alone across every source, by source and sourceId exactly, never by a prefix', async () => {
    const send = (source: string, id: string) =>
      stack.post<AcceptedEvent>('/v1/events', { specversion: '1.0', id, source, type: 'test.timed', data }, { 'content-type': 'application/cloudevents+json' });
    const fromBilling = accepted(await send('urn:test:billing', 'order-1'));
    const fromShipping = accepted(await send('urn:test:shipping', 'order-1'));
    assert.deepEqual((await search('sourceId=order-1')).map((item) => item.eventId), [fromShipping, fromBilling], 'both producers, newest first');
    assert.deepEqual((await search('source=urn:test:billing&sourceId=order-1')).map((item) => item.eventId), [fromBilling]);
    assert.deepEqual(await search('sourceId=order-'), []);
    assert.deepEqual(await search('source=urn:test:billing&sourceId=order-2'), []);
    assert.deepEqual(await search(`sourceId=${'x'.repeat(255)}`), [], 'the longest id an event can carry is a valid filter');
  });

  it('refuses a filter longer than any event can carry, with a problem naming each parameter', async () => {
    const answer = await stack.get<Problem>(`/v1/events?sourceId=${'x'.repeat(256)}&source=${'s'.repeat(1025)}&type=${'t'.repeat(256)}&subject=${'u'.repeat(1025)}`);
    assert.equal(answer.status, 400, answer.text);
    assert.match(answer.headers.get('content-type') ?? '', /application\/problem\+json/);
    assert.deepEqual(
      answer.body.errors?.map((error) => [error.path, error.message.replace(/\(got \d+\).*/, '')]).sort(),
      [
        ['source', 'must be at most 1024 characters '],
        ['sourceId', 'must be at most 255 characters '],
        ['subject', 'must be at most 1024 characters '],
        ['type', 'must be at most 255 characters '],
      ],
    );
    const typo = await stack.get<Problem>('/v1/events?source_id=x');
    assert.equal(typo.status, 400);
    assert.match(typo.body.errors?.[0].message ?? '', /sourceId/, 'the list of known parameters names sourceId');
  });

  it('answers sourceId searches from the partial index, with or without source, once the table has grown', async () => {
    // 20,000 events, half of them from one source, three in four with an id: enough for the planner
    // to weigh the index against a scan of that source's events (at a million rows: a few ms against a second).
    await queryRows(
      db,
      `INSERT INTO switchyard.events (id, type, source, source_event_id, format, data, received_at)
       SELECT gen_random_uuid(), 'test.timed', CASE WHEN n % 2 = 0 THEN 'urn:test:big' ELSE 'urn:test:p' || (n % 20) END,
              CASE WHEN n % 4 = 0 THEN NULL ELSE 'bulk-' || n END, 'cloudevents', '{}', now() - n * interval '1 ms'
       FROM generate_series(1, 20000) n`,
    );
    await queryRows(db, 'ANALYZE switchyard.events');
    for (const where of [`e.source_event_id = 'bulk-2'`, `e.source = 'urn:test:big' AND e.source_event_id = 'bulk-2'`]) {
      const plan = await queryRows<{ 'QUERY PLAN': string }>(db, `EXPLAIN SELECT e.id FROM switchyard.events e WHERE ${where} ORDER BY e.received_at DESC, e.id DESC LIMIT 51`);
      assert.match(plan.map((row) => row['QUERY PLAN']).join('\n'), /Index Scan using events_source_event_id_idx/, where);
    }
    assert.deepEqual((await search('source=urn:test:big&sourceId=bulk-2')).map((item) => item.sourceId), ['bulk-2']);
  });
});
