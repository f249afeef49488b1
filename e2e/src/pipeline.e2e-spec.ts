import type { AcceptedEvent, EventLineage, EventPage, RouteInfo } from '@switchyard/core/contracts';
import { queryRows, testDatabaseUrl, waitFor } from '@switchyard/testing';
import { aShipment, anOrder, anOrderCancellation, orderPlacedEvent } from '@switchyard/example-shop';
import { resetWithCatalogue } from './support/database.js';
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { TestStack } from './support/stack.js';

const db = testDatabaseUrl();

describe('the core pipeline: an order.placed event fans out and every handler runs', () => {
  let stack: TestStack;
  before(async () => {
    await resetWithCatalogue(db);
    stack = await TestStack.start();
  });
  after(() => stack.close());

  it('accepts the event, runs inventory and payment, then (on order.confirmed) the email, and records each effect', async () => {
    const order = anOrder();
    const answer = await stack.post<AcceptedEvent>('/v1/events', orderPlacedEvent(order));
    assert.equal(answer.status, 202);
    assert.equal(answer.headers.get('location'), `/v1/events/${answer.body.eventId}`);
    assert.equal(answer.body.duplicate, false);
    assert.deepEqual(
      answer.body.jobs.map((job) => [job.handler, job.queue, job.id]),
      [
        ['inventory.reserve', 'inventory', `${answer.body.eventId}.inventory.reserve`],
        ['payment.charge', 'payment', `${answer.body.eventId}.payment.charge`],
      ],
    );

    const lineage = await waitFor('both jobs completed', async () => {
      const { body } = await stack.get<EventLineage>(`/v1/events/${answer.body.eventId}`);
      return body.jobs.every((job) => job.state === 'completed') && body;
    });
    assert.equal(lineage.type, 'order.placed');
    assert.deepEqual(lineage.data, order);
    for (const job of lineage.jobs) {
      assert.equal(job.attemptsMade, 1);
      assert.ok(job.processedAt && job.finishedAt, `${job.handler} has timings`);
    }
    assert.equal(lineage.jobs.find((job) => job.handler === 'payment.charge')?.priority, 1);
    // Redis stays bounded: BullMQ drops finished jobs by count and age.
    const job = await stack.queue('payment').getJob(`${answer.body.eventId}.payment.charge`);
    assert.deepEqual(job?.opts.removeOnComplete, { count: 1000, age: 3600 });
    assert.deepEqual(job?.opts.removeOnFail, { count: 10_000, age: 604_800 });

    const stock = await queryRows(db, "SELECT sku, available, reserved FROM shop.stock_items WHERE sku IN ('SKU-RED-MUG', 'SKU-BLUE-TEE') ORDER BY sku");
    assert.deepEqual(stock, [
      { sku: 'SKU-BLUE-TEE', available: 999_999, reserved: 1 },
      { sku: 'SKU-RED-MUG', available: 999_998, reserved: 2 },
    ]);
    assert.deepEqual(await queryRows(db, 'SELECT order_id, kind, amount, currency FROM shop.payments'), [
      { order_id: order.orderId, kind: 'captured', amount: 4500, currency: 'EUR' },
    ]);
    // The confirmation email follows order.confirmed, which the order saga emits once both succeeded.
    await waitFor('the confirmation email', async () => (await queryRows(db, 'SELECT 1 FROM shop.emails')).length > 0);
    assert.deepEqual(await queryRows(db, 'SELECT template, recipient, order_id FROM shop.emails'), [
      { template: 'order-confirmation', recipient: 'ada@example.com', order_id: order.orderId },
    ]);
    // The outcome is recorded in Postgres too, for when BullMQ has dropped the job.
    await waitFor('outcomes recorded', async () => {
      const rows = await queryRows<{ outcome: string | null }>(db, 'SELECT outcome FROM switchyard.jobs WHERE event_id = $1', [answer.body.eventId]);
      return rows.length === 2 && rows.every((row) => row.outcome === 'completed');
    });
  });

  it('runs the cancellation handlers: stock released, payment refunded, customer told', async () => {
    const order = anOrder();
    const placed = await stack.post<AcceptedEvent>('/v1/events', orderPlacedEvent(order));
    await waitFor('order placed and paid', async () => {
      const { body } = await stack.get<EventLineage>(`/v1/events/${placed.body.eventId}`);
      return body.jobs.every((job) => job.state === 'completed');
    });
    const cancelled = await stack.post<AcceptedEvent>('/v1/events', { type: 'order.cancelled', data: anOrderCancellation(order.orderId) });
    assert.equal(cancelled.status, 202);
    assert.deepEqual(cancelled.body.jobs.map((job) => job.handler), ['email.order-cancelled', 'inventory.release', 'payment.refund']);
    await waitFor('cancellation handled', async () => {
      const { body } = await stack.get<EventLineage>(`/v1/events/${cancelled.body.eventId}`);
      return body.jobs.every((job) => job.state === 'completed');
    });
    assert.deepEqual(
      await queryRows(db, 'SELECT sku, status FROM shop.stock_reservations WHERE order_id = $1 ORDER BY sku', [order.orderId]),
      [
        { sku: 'SKU-BLUE-TEE', status: 'released' },
        { sku: 'SKU-RED-MUG', status: 'released' },
      ],
    );
    assert.deepEqual(await queryRows(db, 'SELECT kind, amount FROM shop.payments WHERE order_id = $1 ORDER BY created_at', [order.orderId]), [
      { kind: 'captured', amount: 4500 },
      { kind: 'refunded', amount: 4500 },
    ]);
    assert.equal((await queryRows(db, "SELECT 1 FROM shop.emails WHERE order_id = $1 AND template = 'order-cancelled'", [order.orderId])).length, 1);
  });

  it('shows the routing table, derived from the handler modules', async () => {
    const { status, body } = await stack.get<RouteInfo[]>('/v1/routes');
    assert.equal(status, 200);
    const route = (name: string) => body.find((candidate) => candidate.handler === name);
    assert.deepEqual(route('payment.charge')?.eventTypes, ['order.placed']);
    assert.deepEqual(route('order.confirm')?.eventTypes, ['inventory.reserved', 'payment.succeeded']);
    assert.deepEqual(route('email.order-confirmation')?.eventTypes, ['order.confirmed']);
    assert.deepEqual(route('inventory.release')?.eventTypes, ['order.cancelled', 'payment.failed']);
    assert.equal(route('payment.charge')?.priority, 1);
    assert.equal(route('email.review-request')?.delay, 3 * 24 * 3_600_000);
    assert.deepEqual(route('email.order-confirmation')?.rateLimit, { max: 50, duration: 1000 });
    assert.deepEqual(
      body.filter((candidate) => candidate.eventTypes.includes('order.shipped')).map((candidate) => candidate.handler),
      ['email.review-request', 'email.shipping-notice'],
    );
  });

  it('lists events newest first with a cursor, filtered by type', async () => {
    const shipped = [];
    for (let i = 0; i < 3; i++) {
      shipped.push((await stack.post<AcceptedEvent>('/v1/events', { type: 'order.shipped', data: aShipment(`ord_list_${i}`) })).body.eventId);
    }
    const first = await stack.get<EventPage>('/v1/events?type=order.shipped&limit=2');
    assert.deepEqual(first.body.items.map((item) => item.eventId), [shipped[2], shipped[1]]);
    assert.ok(first.body.nextCursor);
    const second = await stack.get<EventPage>(`/v1/events?type=order.shipped&limit=2&cursor=${first.body.nextCursor}`);
    assert.deepEqual(second.body.items.map((item) => item.eventId), [shipped[0]]);
    assert.equal(second.body.nextCursor, null);
    assert.equal(second.body.items[0].jobCount, 2);
    const badCursor = await stack.get('/v1/events?cursor=nonsense');
    assert.equal(badCursor.status, 400);
  });

  it('answers health probes and serves the OpenAPI document', async () => {
    assert.deepEqual((await stack.get('/health/live')).body, { status: 'ok' });
    const ready = await stack.get<{ ready: boolean }>('/health/ready');
    assert.equal(ready.status, 200);
    assert.equal(ready.body.ready, true);
    const openapi = await stack.get<{ paths: Record<string, unknown>; components: { schemas: Record<string, unknown> } }>('/docs-json');
    assert.equal(openapi.status, 200);
    assert.ok(openapi.body.paths['/v1/events']);
    for (const path of [
      '/v1/events/batch', '/v1/events/replay', '/v1/dead-letters', '/v1/dead-letters/groups', '/v1/dead-letters/{id}',
      '/v1/dead-letters/{id}/retry', '/v1/dead-letters/{id}/discard', '/v1/dead-letters/retry', '/v1/dead-letters/discard',
      '/v1/operations/{id}', '/v1/queues', '/v1/queues/{name}', '/v1/queues/{name}/jobs', '/v1/queues/{name}/jobs/{jobId}',
      '/v1/queues/{name}/pause', '/v1/queues/{name}/resume', '/v1/metrics/throughput', '/v1/metrics/lag', '/v1/stream', '/metrics',
    ]) {
      assert.ok(openapi.body.paths[path], `${path} is documented`);
    }
    assert.ok(openapi.body.components.schemas.DeadLetterDetail && openapi.body.components.schemas.QueueSummary);
    assert.ok(openapi.body.components.schemas['EventData.order.placed']);
    assert.equal((await stack.get('/docs')).status, 200);
  });
});
