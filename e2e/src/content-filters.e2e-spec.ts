// Content filters (docs/handlers.md, "Content filters"): the example
// fraud.review handler (examples/shop/src/fraud/review-large-order.handler.ts)
// subscribes to order.placed only where data.total >= 100000.
import { Module } from '@nestjs/common';
import type { AcceptedEvent, EventLineage, OperationStatus, RouteInfo } from '@switchyard/core/contracts';
import { EventHandler, type Handler, type ReplayDryRun } from '@switchyard/server/internal';
import { queryRows, testDatabaseUrl, waitFor } from '@switchyard/testing';
import { anOrder, orderPlacedEvent } from '@switchyard/example-shop';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { z } from 'zod';
import { resetWithCatalogue } from './support/database.js';
import { TestStack } from './support/stack.js';

const db = testDatabaseUrl();

/** 1,200.00 EUR: over the fraud desk's threshold. */
const largeOrder = () => anOrder({ items: [{ sku: 'SKU-RED-MUG', quantity: 1, unitPrice: 120_000 }] });

describe('content filters on subscriptions', () => {
  let stack: TestStack;
  before(async () => {
    await resetWithCatalogue(db);
    stack = await TestStack.start();
  });
  after(() => stack.close());

  const allDone = (eventId: string) =>
    waitFor(`every job of ${eventId} completed`, async () => {
      const { body } = await stack.get<EventLineage>(`/v1/events/${eventId}`);
      return body.jobs.length > 0 && body.jobs.every((job) => job.state === 'completed') && body;
    }, { timeoutMs: 20_000 });

  const small = { eventId: '', orderId: '' };
  const large = { eventId: '', orderId: '' };

  it('makes no job for a handler whose filter the event does not match', async () => {
    const order = anOrder(); // 45.00 EUR
    const accepted = await stack.post<AcceptedEvent>('/v1/events', orderPlacedEvent(order));
    assert.equal(accepted.status, 202);
    Object.assign(small, { eventId: accepted.body.eventId, orderId: order.orderId });
    assert.deepEqual(accepted.body.jobs.map((job) => job.handler), ['inventory.reserve', 'payment.charge']);
    await allDone(accepted.body.eventId);
    assert.deepEqual(await queryRows(db, "SELECT id FROM switchyard.jobs WHERE event_id = $1 AND handler = 'fraud.review'", [accepted.body.eventId]), []);
    assert.equal(await stack.queue('fraud').getJob(`${accepted.body.eventId}.fraud.review`), undefined, 'no BullMQ job either');
    assert.deepEqual(await queryRows(db, "SELECT id FROM shop.emails WHERE order_id = $1 AND template = 'fraud-review'", [order.orderId]), []);
  });

  it('makes the job, and the handler runs, when the event matches', async () => {
    const order = largeOrder();
    const accepted = await stack.post<AcceptedEvent>('/v1/events', orderPlacedEvent(order));
    assert.equal(accepted.status, 202);
    Object.assign(large, { eventId: accepted.body.eventId, orderId: order.orderId });
    assert.deepEqual(accepted.body.jobs.map((job) => job.handler), ['fraud.review', 'inventory.reserve', 'payment.charge']);
    const lineage = await allDone(accepted.body.eventId);
    assert.ok(lineage.jobs.some((job) => job.handler === 'fraud.review' && job.queue === 'fraud'));
    const emails = await queryRows<{ recipient: string; subject: string }>(db, "SELECT recipient, subject FROM shop.emails WHERE order_id = $1 AND template = 'fraud-review'", [order.orderId]);
    assert.deepEqual(emails, [{ recipient: 'fraud-desk@shop.example', subject: `Review order ${order.orderId} (€1,200.00)` }]);
  });

  it('evaluates the filter on each item of a batch', async () => {
    const { status, body } = await stack.post<{ items: Array<{ event: AcceptedEvent }> }>('/v1/events/batch', [
      orderPlacedEvent(anOrder()),
      orderPlacedEvent(largeOrder()),
    ]);
    assert.equal(status, 207);
    assert.deepEqual(body.items.map((item) => item.event.jobs.some((job) => job.handler === 'fraud.review')), [false, true]);
  });

  it('shows the filter and the delivery mode in GET /v1/routes', async () => {
    const { status, body } = await stack.get<RouteInfo[]>('/v1/routes');
    assert.equal(status, 200);
    const fraud = body.find((route) => route.handler === 'fraud.review');
    assert.deepEqual(
      { eventTypes: fraud?.eventTypes, filter: fraud?.filter, delivery: fraud?.delivery },
      { eventTypes: ['order.placed'], filter: { 'data.total': { gte: 100_000 } }, delivery: 'at-least-once' },
    );
    const payment = body.find((route) => route.handler === 'payment.charge');
    assert.deepEqual([payment?.filter, payment?.delivery], [null, 'at-least-once']);
  });

  it('evaluates filters again on replay: the filtered-out event is skipped with the reason', async () => {
    const ids = [small.eventId, large.eventId];
    const dryRun = await stack.post<ReplayDryRun>('/v1/events/replay', { filter: { ids }, handlers: ['fraud.review'], dryRun: true });
    assert.equal(dryRun.status, 200);
    assert.deepEqual([dryRun.body.jobs, dryRun.body.filtered], [{ 'fraud.review': 2 }, ['fraud.review']], 'an upper bound, and said so');

    const replay = await stack.post<OperationStatus>('/v1/events/replay', { filter: { ids }, handlers: ['fraud.review'] });
    assert.equal(replay.status, 202);
    const finished = await waitFor('replay finished', async () => {
      const { body } = await stack.get<OperationStatus>(`/v1/operations/${replay.body.id}`);
      return body.status === 'completed' && body;
    });
    assert.deepEqual([finished.done, finished.failed], [1, 1]);
    const replayJobs = await queryRows<{ event_id: string }>(db, 'SELECT event_id::text AS event_id FROM switchyard.jobs WHERE operation_id = $1', [replay.body.id]);
    assert.deepEqual(replayJobs, [{ event_id: large.eventId }]);
    const [skipped] = await queryRows<{ error: string }>(db, "SELECT error FROM switchyard.operation_items WHERE operation_id = $1 AND status = 'failed'", [replay.body.id]);
    assert.match(skipped.error, /filtered out by the content filter of fraud.review/);
  });
});

/** Filters on CloudEvents attributes: an extension attribute, the source's prefix, a subject's absence. */
@EventHandler({
  name: 'test.eu-shipping',
  on: 'test.parcel',
  queue: 'test-parcel',
  filter: { 'extensions.region': ['eu', 'uk'], source: { prefix: 'urn:shop:' }, subject: { exists: false } },
})
class EuShippingHandler implements Handler {
  async handle(): Promise<void> {}
}

@Module({ providers: [EuShippingHandler] })
class ParcelModule {}

describe('content filters on CloudEvents attributes', () => {
  let stack: TestStack;
  before(async () => {
    await resetWithCatalogue(db);
    stack = await TestStack.start({ worker: false, events: { 'test.parcel': z.object({ n: z.int() }) }, handlers: () => [ParcelModule] });
  });
  after(() => stack.close());

  const parcel = async (attributes: Record<string, unknown>) => {
    const cloudEvent = { specversion: '1.0', id: randomUUID(), source: 'urn:shop:warehouse', type: 'test.parcel', data: { n: 1 }, ...attributes };
    const { status, body } = await stack.post<AcceptedEvent>('/v1/events', cloudEvent, { 'content-type': 'application/cloudevents+json' });
    assert.equal(status, 202);
    return body.jobs.map((job) => job.handler);
  };

  it('routes by extension attribute, source prefix and a missing subject, all of them', async () => {
    assert.deepEqual(await parcel({ region: 'eu' }), ['test.eu-shipping']);
    assert.deepEqual(await parcel({ region: 'uk' }), ['test.eu-shipping']);
    assert.deepEqual(await parcel({ region: 'us' }), []);
    assert.deepEqual(await parcel({}), [], 'no region attribute at all');
    assert.deepEqual(await parcel({ region: 'eu', source: 'urn:partner:x' }), []);
    assert.deepEqual(await parcel({ region: 'eu', subject: 'parcel-7' }), []);
  });
});
