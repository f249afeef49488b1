import type { AcceptedEvent, BatchResult, Problem } from '@switchyard/core/contracts';
import { IdempotencyKeySweeper } from '@switchyard/server/internal';
import { queryRows, testDatabaseUrl } from '@switchyard/testing';
import { anOrder, orderPlacedEvent } from '@switchyard/example-shop';
import { resetWithCatalogue } from './support/database.js';
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { TestStack } from './support/stack.js';

const db = testDatabaseUrl();

async function countRows(eventId: string): Promise<{ events: number; jobs: number }> {
  const [row] = await queryRows<{ events: string; jobs: string }>(
    db,
    'SELECT (SELECT count(*) FROM switchyard.events WHERE id = $1) AS events, (SELECT count(*) FROM switchyard.jobs WHERE event_id = $1) AS jobs',
    [eventId],
  );
  return { events: Number(row.events), jobs: Number(row.jobs) };
}

describe('ingest idempotency', () => {
  let stack: TestStack;
  // The API alone: these tests are about what ingest stores, not about running jobs.
  before(async () => {
    await resetWithCatalogue(db);
    stack = await TestStack.start({ worker: false });
  });
  after(() => stack.close());

  it('replays the original answer for a repeated Idempotency-Key', async () => {
    const event = orderPlacedEvent();
    const first = await stack.post<AcceptedEvent>('/v1/events', event, { 'Idempotency-Key': 'replay-1' });
    const second = await stack.post<AcceptedEvent>('/v1/events', event, { 'Idempotency-Key': 'replay-1' });
    assert.equal(first.status, 202);
    assert.equal(first.headers.get('idempotent-replayed'), null);
    assert.equal(second.status, 200);
    assert.equal(second.headers.get('idempotent-replayed'), 'true');
    assert.deepEqual(second.body, { ...first.body, duplicate: true });
    assert.deepEqual(await countRows(first.body.eventId), { events: 1, jobs: 2 });
    const queued = await stack.queue('payment').getJobCounts('prioritized', 'waiting');
    assert.equal(queued.prioritized + queued.waiting, 1, 'one payment job, not two');
  });

  it('answers 422 when a key comes back with a different body, and stores nothing', async () => {
    const first = await stack.post<AcceptedEvent>('/v1/events', orderPlacedEvent(), { 'Idempotency-Key': 'mismatch-1' });
    const before = await queryRows(db, 'SELECT count(*)::int AS n FROM switchyard.events');
    const second = await stack.post<Problem>('/v1/events', orderPlacedEvent(), { 'Idempotency-Key': 'mismatch-1' });
    assert.equal(second.status, 422);
    assert.match(second.headers.get('content-type') ?? '', /application\/problem\+json/);
    assert.equal(second.body.type, 'urn:switchyard:problem:idempotency-key-reused');
    assert.equal(second.body.eventId, first.body.eventId);
    assert.deepEqual(await queryRows(db, 'SELECT count(*)::int AS n FROM switchyard.events'), before);
  });

  it('makes one event of 20 concurrent submits with one key', async () => {
    const event = orderPlacedEvent();
    const answers = await Promise.all(
      Array.from({ length: 20 }, () => stack.post<AcceptedEvent>('/v1/events', event, { 'Idempotency-Key': 'concurrent-1' })),
    );
    const statuses = answers.map((answer) => answer.status).sort((a, b) => a - b);
    assert.deepEqual(statuses, [...Array(19).fill(200), 202], 'one 202 and 19 replays');
    const eventIds = new Set(answers.map((answer) => answer.body.eventId));
    assert.equal(eventIds.size, 1);
    const [eventId] = eventIds;
    assert.deepEqual(await countRows(eventId), { events: 1, jobs: 2 });
    assert.equal((await queryRows(db, "SELECT 1 FROM switchyard.idempotency_keys WHERE key LIKE '%/key:concurrent-1'")).length, 1);
  });

  it('treats a CloudEvent with a known (source, id) as a replay, whatever the mode', async () => {
    const attributes = { specversion: '1.0', id: 'evt-77', source: 'urn:shop:checkout', type: 'order.placed' };
    const data = anOrder();
    const structured = await stack.post<AcceptedEvent>('/v1/events', { ...attributes, data }, { 'content-type': 'application/cloudevents+json' });
    const binary = await stack.post<AcceptedEvent>('/v1/events', data, {
      'content-type': 'application/json',
      'ce-specversion': '1.0',
      'ce-id': 'evt-77',
      'ce-source': 'urn:shop:checkout',
      'ce-type': 'order.placed',
    });
    assert.equal(structured.status, 202);
    assert.equal(binary.status, 200);
    assert.equal(binary.body.eventId, structured.body.eventId);
    const otherSource = await stack.post<AcceptedEvent>(
      '/v1/events',
      { ...attributes, source: 'urn:shop:admin', data },
      { 'content-type': 'application/cloudevents+json' },
    );
    assert.equal(otherSource.status, 202, 'ids are unique per source only');
  });

  it('answers repeated keys inside one batch item by item', async () => {
    const one = orderPlacedEvent(anOrder(), { idempotencyKey: 'batch-a' });
    const other = orderPlacedEvent(anOrder(), { idempotencyKey: 'batch-a' });
    const { status, body } = await stack.post<BatchResult>('/v1/events/batch', [one, one, other]);
    assert.equal(status, 207);
    assert.deepEqual(body.items.map((item) => [item.status, item.outcome]), [
      [202, 'accepted'],
      [200, 'replayed'],
      [422, 'rejected'],
    ]);
    assert.equal(body.items[1].event?.eventId, body.items[0].event?.eventId);
    assert.deepEqual([body.accepted, body.replayed, body.rejected], [1, 1, 1]);
  });

  it('lets a key be reused once it has expired', async () => {
    const first = await stack.post<AcceptedEvent>('/v1/events', orderPlacedEvent(), { 'Idempotency-Key': 'expiring-1' });
    await queryRows(db, "UPDATE switchyard.idempotency_keys SET expires_at = now() - interval '1 second' WHERE key LIKE '%/key:expiring-1'");
    const second = await stack.post<AcceptedEvent>('/v1/events', orderPlacedEvent(), { 'Idempotency-Key': 'expiring-1' });
    assert.equal(second.status, 202);
    assert.notEqual(second.body.eventId, first.body.eventId);
    const [key] = await queryRows<{ event_id: string; expires_at: Date }>(db, "SELECT event_id, expires_at FROM switchyard.idempotency_keys WHERE key LIKE '%/key:expiring-1'");
    assert.equal(key.event_id, second.body.eventId);
    const hours = (key.expires_at.getTime() - Date.now()) / 3_600_000;
    assert.ok(hours > 23.9 && hours <= 24, `kept 24 h by default, got ${hours}`);
  });

  it('sweeps expired keys, and only those', async () => {
    await stack.post('/v1/events', orderPlacedEvent(), { 'Idempotency-Key': 'old-1' });
    await stack.post('/v1/events', orderPlacedEvent(), { 'Idempotency-Key': 'fresh-1' });
    await queryRows(db, "UPDATE switchyard.idempotency_keys SET expires_at = now() - interval '1 minute' WHERE key LIKE '%/key:old-1'");
    assert.ok((await stack.api.get(IdempotencyKeySweeper).sweep()) >= 1);
    const keys = (await queryRows<{ key: string }>(db, 'SELECT key FROM switchyard.idempotency_keys')).map((row) => row.key);
    // Stored per API key: `<key id>/key:<Idempotency-Key>`.
    assert.ok(keys.some((key) => key.endsWith('/key:fresh-1')));
    assert.ok(!keys.some((key) => key.endsWith('/key:old-1')));
  });
});
