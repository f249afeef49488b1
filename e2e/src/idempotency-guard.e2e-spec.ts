import type { AcceptedEvent, EventTree, EventTreeNode, JobRef } from '@switchyard/core/contracts';
import type { JobPayload } from '@switchyard/server/internal';
import { queryRows, testDatabaseUrl, waitFor } from '@switchyard/testing';
import { anOrder, orderPlacedEvent } from '@switchyard/example-shop';
import { resetWithCatalogue } from './support/database.js';
import type { Queue } from 'bullmq';
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { TestStack } from './support/stack.js';

const db = testDatabaseUrl();

/**
 * At-least-once delivery means a job can run twice: a worker dies after the
 * effects commit, a lock expires mid-run, BullMQ already dropped the completed
 * job when the outbox republishes it. These tests force such second runs and
 * check that the database effects still apply once.
 */
describe('the idempotency guard under forced double runs', () => {
  let stack: TestStack;
  before(async () => {
    await resetWithCatalogue(db);
    stack = await TestStack.start();
  });
  after(() => stack.close());

  async function effectsOf(orderId: string) {
    const [row] = await queryRows<{ reservations: number; reserved: number; payments: number; emails: number; keys: number; followUps: number }>(
      db,
      `SELECT (SELECT count(*)::int FROM shop.stock_reservations WHERE order_id = $1) AS reservations,
              (SELECT reserved FROM shop.stock_items WHERE sku = 'SKU-RED-MUG') AS reserved,
              (SELECT count(*)::int FROM shop.payments WHERE order_id = $1) AS payments,
              (SELECT count(*)::int FROM shop.emails WHERE order_id = $1) AS emails,
              (SELECT count(*)::int FROM switchyard.processed_keys) AS keys,
              (SELECT count(*)::int FROM switchyard.events WHERE causation_id IS NOT NULL AND data->>'orderId' = $1) AS "followUps"`,
      [orderId],
    );
    return row;
  }

  /** Every job of the order's saga (its order.placed jobs and those of the events they emitted), once all finished. */
  async function settledSagaJobs(eventId: string): Promise<JobRef[]> {
    const nodes = (roots: EventTreeNode[]): EventTreeNode[] => roots.flatMap((node) => [node, ...nodes(node.children)]);
    return waitFor(
      'the saga settled',
      async () => {
        const tree = nodes((await stack.get<EventTree>(`/v1/events/${eventId}/tree`)).body.roots);
        const jobs = tree.flatMap((node) => node.jobs);
        return tree.some((node) => node.type === 'order.confirmed') && jobs.every((job) => job.state === 'completed') && jobs;
      },
      { timeoutMs: 20_000 },
    );
  }

  /** Adds `copies` more jobs for the same event and handler, as a redelivery would. */
  async function redeliver(queue: Queue<JobPayload>, jobId: string, copies: number, tag: string): Promise<string[]> {
    const original = await queue.getJob(jobId);
    assert.ok(original, `job ${jobId} still in BullMQ`);
    const ids = Array.from({ length: copies }, (_, index) => `${jobId}.${tag}${index}`);
    await queue.addBulk(ids.map((id) => ({ name: original.name, data: original.data, opts: { jobId: id } })));
    return ids;
  }

  async function completed(queue: Queue<JobPayload>, ids: string[]): Promise<void> {
    await waitFor(`${ids.length} redelivered jobs completed`, async () => {
      const states = await Promise.all(ids.map(async (id) => (await queue.getJob(id))?.getState()));
      return states.every((state) => state === 'completed');
    });
  }

  it('applies nothing on a second run after the first committed', async () => {
    const order = anOrder();
    const answer = await stack.post<AcceptedEvent>('/v1/events', orderPlacedEvent(order));
    const jobs = await settledSagaJobs(answer.body.eventId);
    assert.deepEqual(jobs.map((job) => job.handler).sort(), ['email.order-confirmation', 'inventory.reserve', 'order.confirm', 'order.confirm', 'payment.charge']);
    const once = await effectsOf(order.orderId);
    // Follow-ups: payment.succeeded, inventory.reserved, order.confirmed.
    assert.deepEqual(once, { reservations: 2, reserved: 2, payments: 1, emails: 1, keys: 5, followUps: 3 });

    // Every job of the saga runs a second time, the emitting ones included: nothing applies, nothing is emitted again.
    for (const job of jobs) {
      const queue = stack.queue(job.queue);
      await completed(queue, await redeliver(queue, job.id, 1, 'again'));
    }
    assert.deepEqual(await effectsOf(order.orderId), once);
  });

  it('applies effects once when copies of a job run at the same time', async () => {
    const queues = ['inventory', 'payment', 'email'].map((name) => stack.queue(name));
    await Promise.all(queues.map((queue) => queue.pause()));
    const order = anOrder();
    const answer = await stack.post<AcceptedEvent>('/v1/events', orderPlacedEvent(order));
    const copies: Array<[Queue<JobPayload>, string[]]> = [];
    for (const job of answer.body.jobs) {
      const queue = stack.queue(job.queue);
      copies.push([queue, [job.id, ...(await redeliver(queue, job.id, 3, 'copy'))]]);
    }
    await Promise.all(queues.map((queue) => queue.resume()));
    for (const [queue, ids] of copies) await completed(queue, ids);
    await settledSagaJobs(answer.body.eventId);
    const effects = await effectsOf(order.orderId);
    assert.equal(effects.followUps, 3, 'four copies of each emitting job emitted each follow-up once');
    assert.equal(effects.reservations, 2);
    assert.equal(effects.reserved, 4, 'two orders of two mugs each: this one reserved once');
    assert.equal(effects.payments, 1);
    assert.equal(effects.emails, 1);
  });
});
