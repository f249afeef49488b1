import type { AcceptedEvent, EventLineage, EventPage, OperationStatus, Problem } from '@switchyard/core/contracts';
import type { ReplayDryRun } from '@switchyard/server/internal';
import { queryRows, testDatabaseUrl, waitFor } from '@switchyard/testing';
import { anOrder, orderPlacedEvent } from '@switchyard/example-shop';
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Client } from 'pg';
import { seen } from './fixtures/test-handlers.js';
import { resetWithCatalogue } from './support/database.js';
import { TestStack } from './support/stack.js';

const db = testDatabaseUrl();

describe('event search and replay', () => {
  let stack: TestStack;
  const ids: Record<string, string> = {};
  before(async () => {
    await resetWithCatalogue(db);
    seen.reset();
    stack = await TestStack.start();
    const orders = {
      ada: anOrder({ customer: { id: 'cus_42', email: 'ada@example.com' } }),
      bob: anOrder({ customer: { id: 'cus_7', email: 'bob@example.com' }, items: [{ sku: 'SKU-BLACK-CAP', quantity: 1, unitPrice: 4500 }] }),
    };
    for (const [name, order] of Object.entries(orders)) {
      ids[name] = (await stack.post<AcceptedEvent>('/v1/events', orderPlacedEvent(order, { subject: `customers/${order.customer.id}` }))).body.eventId;
    }
    for (const id of Object.values(ids)) {
      await waitFor('order handled', async () => (await stack.get<EventLineage>(`/v1/events/${id}`)).body.jobs.every((job) => job.state === 'completed'));
    }
    // The order saga's follow-up events (payment.succeeded, inventory.reserved, order.confirmed) carry the customer too.
    await waitFor('both orders confirmed', async () => (await queryRows(db, "SELECT 1 FROM switchyard.events WHERE type = 'order.confirmed'")).length === 2, { timeoutMs: 20_000 });
  });
  after(() => stack.close());

  const search = async (query: string) => (await stack.get<EventPage>(`/v1/events?${query}`)).body.items.map((item) => item.eventId);

  it('finds events by a path into their data, by containment', async () => {
    assert.deepEqual(await search('type=order.placed&data.customer.id=cus_42'), [ids.ada]);
    assert.deepEqual(await search('type=order.placed&data.customer.id=cus_42&data.currency=EUR'), [ids.ada]);
    assert.deepEqual(await search('type=order.placed&data.total=4500'), [ids.bob, ids.ada], 'numbers match as JSON numbers');
    const sagaOfAda = await stack.get<EventPage>('/v1/events?data.customer.id=cus_42');
    assert.deepEqual(
      sagaOfAda.body.items.map((item) => item.type).sort(),
      ['inventory.reserved', 'order.confirmed', 'order.placed', 'payment.succeeded'],
      'without a type, the follow-up events match too',
    );
    assert.deepEqual(await search('data.items[].sku=SKU-BLACK-CAP'), [ids.bob], '[] steps into arrays');
    assert.deepEqual(await search('data.customer.id=cus_404'), []);
  });

  it('filters by subject, time and text', async () => {
    assert.deepEqual(await search('subject=customers/cus_7'), [ids.bob]);
    assert.deepEqual(await search('type=order.placed&q=bob@example'), [ids.bob]);
    const [row] = await queryRows<{ received_at: Date }>(db, 'SELECT received_at FROM switchyard.events WHERE id = $1', [ids.bob]);
    assert.deepEqual(await search(`type=order.placed&until=${row.received_at.toISOString()}`), [ids.ada]);
    const bad = await stack.get<Problem>('/v1/events?custmer=1&data.=x&since=soon');
    assert.equal(bad.status, 400);
    assert.deepEqual(bad.body.errors?.map((error) => error.path).sort(), ['custmer', 'data.', 'since']);
  });

  it('answers data searches from the GIN index, not a table scan', async () => {
    const client = new Client({ connectionString: db });
    await client.connect();
    try {
      // On a near-empty table Postgres rightly prefers a scan; forbidding it shows the index serves this query shape.
      await client.query('SET enable_seqscan = off');
      const { rows } = await client.query<{ 'QUERY PLAN': string }>(
        `EXPLAIN SELECT id FROM switchyard.events e WHERE (e.data @> '{"customer":{"id":"cus_42"}}'::jsonb OR e.data @> '{"total":4500}'::jsonb)`,
      );
      assert.match(rows.map((row) => row['QUERY PLAN']).join('\n'), /Bitmap Index Scan on events_data_idx/);
    } finally {
      await client.end();
    }
  });

  it('replays stored events: dry run, then an audited operation; the guard decides what applies again', async () => {
    const emailsBefore = await queryRows(db, 'SELECT count(*)::int AS n FROM shop.emails');
    const confirmed = await queryRows<{ id: string }>(db, "SELECT id::text AS id FROM switchyard.events WHERE type = 'order.confirmed'");
    const dryRun = await stack.post<ReplayDryRun>('/v1/events/replay', { filter: { type: 'order.confirmed' }, handlers: ['email.order-confirmation'], dryRun: true });
    assert.equal(dryRun.status, 200);
    assert.equal(dryRun.body.matched, 2);
    assert.deepEqual(dryRun.body.jobs, { 'email.order-confirmation': 2 });

    const replay = await stack.post<OperationStatus>(
      '/v1/events/replay',
      { filter: { type: 'order.confirmed' }, handlers: ['email.order-confirmation'] },
      { 'X-Actor': 'carol' },
    );
    assert.equal(replay.status, 202);
    await waitFor('replay done', async () => (await stack.get<OperationStatus>(`/v1/operations/${replay.body.id}`)).body.status === 'completed');
    const replayJobs = await queryRows<{ id: string }>(db, "SELECT id FROM switchyard.jobs WHERE kind = 'replay' AND operation_id = $1", [replay.body.id]);
    assert.equal(replayJobs.length, 2);
    await waitFor('replayed jobs ran', async () => {
      for (const { id } of confirmed) {
        const lineage = (await stack.get<EventLineage>(`/v1/events/${id}`)).body;
        const replayed = lineage.jobs.filter((job) => job.id.includes('.replay.'));
        if (replayed.length !== 1 || replayed[0].state !== 'completed') return false;
      }
      return true;
    });
    assert.deepEqual(await queryRows(db, 'SELECT count(*)::int AS n FROM shop.emails'), emailsBefore, 'the confirmation was not sent twice');
    assert.deepEqual(await queryRows(db, "SELECT actor, count FROM switchyard.audit_log WHERE action = 'events.replay'"), [{ actor: 'carol', count: 2 }]);
  });

  it('re-applies effects on replay for a handler that opts in', async () => {
    const accepted = await stack.post<AcceptedEvent>('/v1/events', { type: 'test.projection', data: { n: 1 } });
    await waitFor('projected once', () => seen.projected === 1);
    const replay = await stack.post<OperationStatus>('/v1/events/replay', { filter: { ids: [accepted.body.eventId] } });
    await waitFor('projected again on replay', () => seen.projected === 2);
    // Once per replay operation: a redelivery of the same replay job applies nothing more.
    const keys = await queryRows<{ key: string }>(db, "SELECT key FROM switchyard.processed_keys WHERE handler = 'test.projection' ORDER BY key");
    assert.deepEqual(keys.map((row) => row.key), [accepted.body.eventId, `${accepted.body.eventId}:replay:${replay.body.id}`]);
  });

  it('refuses a replay without a filter or naming an unknown handler', async () => {
    assert.equal((await stack.post<Problem>('/v1/events/replay', { filter: {} })).status, 400);
    const unknown = await stack.post<Problem>('/v1/events/replay', { filter: { type: 'order.placed' }, handlers: ['email.nope'] });
    assert.equal(unknown.status, 400);
    assert.match(unknown.body.detail ?? '', /email\.nope/);
  });
});
