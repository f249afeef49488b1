import type { AcceptedEvent, EventLineage } from '@switchyard/core/contracts';
import { queryRows, runNode, testDatabaseUrl, waitFor } from '@switchyard/testing';
import { anOrder, orderPlacedEvent } from '@switchyard/example-shop';
import { resetWithCatalogue } from './support/database.js';
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { TestStack } from './support/stack.js';

const db = testDatabaseUrl();

describe('a dead letter survives a worker killed right after the final failure', () => {
  let stack: TestStack;
  before(async () => {
    await resetWithCatalogue(db);
    // Short locks so the orphaned job is recovered within seconds.
    stack = await TestStack.start({ worker: false, env: { WORKER_LOCK_DURATION_MS: '2000', WORKER_STALLED_INTERVAL_MS: '1000' } });
  });
  after(() => stack.close());

  it('keeps exactly one dead letter, and BullMQ fails the job after recovery', async () => {
    const crashing = runNode('e2e/dist/fixtures/crash-after-dead-letter.worker.js', stack.env);
    await waitFor('the crashing worker to start', () => crashing.output().includes('worker ready') || crashing.child.exitCode !== null);
    assert.equal(crashing.child.exitCode, null, crashing.output());

    const order = anOrder({ token: 'tok_declined' });
    const skus = order.items.map((item) => item.sku);
    const stock = () => queryRows<{ sku: string; available: number; reserved: number }>(db, 'SELECT sku, available, reserved FROM shop.stock_items WHERE sku = ANY($1::text[]) ORDER BY sku', [skus]);
    const stockBefore = await stock();
    const { body } = await stack.post<AcceptedEvent>('/v1/events', orderPlacedEvent(order));
    const paymentJobId = body.jobs.find((job) => job.handler === 'payment.charge')!.id;

    const { signal } = await crashing.exited;
    assert.equal(signal, 'SIGKILL', 'the worker died when the dead letter was written');
    const letters = () => queryRows<{ attempts_made: number; status: string; job_id: string }>(db, 'SELECT attempts_made, status, job_id FROM switchyard.dead_letters WHERE event_id = $1', [body.eventId]);
    assert.deepEqual(await letters(), [{ attempts_made: 1, status: 'open', job_id: paymentJobId }]);
    const job = await stack.queue('payment').getJob(paymentJobId);
    assert.equal(await job?.getState(), 'active', 'BullMQ never heard of the failure: the job is still locked by the dead worker');

    // A healthy worker finds the orphaned job once its lock expires and runs it again.
    await stack.startWorker();
    await waitFor('BullMQ to fail the job', async () => (await stack.queue('payment').getJob(paymentJobId))?.getState().then((state) => state === 'failed'), { timeoutMs: 20_000 });
    const [letter] = await letters();
    assert.deepEqual(await letters(), [{ attempts_made: 2, status: 'open', job_id: paymentJobId }], 'one record; its history grew');
    assert.equal(letter.status, 'open');
    const attempts = await queryRows<{ attempt: number }>(db, "SELECT attempt FROM switchyard.job_attempts WHERE event_id = $1 AND handler = 'payment.charge' ORDER BY id", [body.eventId]);
    assert.deepEqual(attempts.map((row) => row.attempt), [1, 1], 'the re-run after a stall is the same attempt as far as BullMQ counts');

    // Whatever else the killed worker had in flight was recovered too, with its effects applied once.
    await waitFor('inventory and email done', async () => {
      const { body: lineage } = await stack.get<EventLineage>(`/v1/events/${body.eventId}`);
      return lineage.jobs.filter((job) => job.handler !== 'payment.charge').every((job) => job.state === 'completed');
    }, { timeoutMs: 20_000 });
    // The dead letter's compensation (inventory.release-unpaid, published by the relay once the killed
    // worker could not) runs before or after the recovered reservation, as they happen to be picked up:
    // reserved then released, or released first and nothing reserved. Either way the stock is whole again.
    await waitFor('the unpaid order released', async () => {
      const [progress] = await queryRows<{ charge_dead_at: Date | null }>(db, 'SELECT charge_dead_at FROM shop.order_progress WHERE order_id = $1', [order.orderId]);
      return progress?.charge_dead_at != null;
    }, { timeoutMs: 20_000 });
    const reservations = await queryRows<{ sku: string; status: string }>(db, 'SELECT sku, status FROM shop.stock_reservations WHERE order_id = $1 ORDER BY sku', [order.orderId]);
    assert.ok(
      reservations.length === 0 || JSON.stringify(reservations) === JSON.stringify([...skus].sort().map((sku) => ({ sku, status: 'released' }))),
      `each line reserved once and released, or none reserved: ${JSON.stringify(reservations)}`,
    );
    assert.deepEqual(await stock(), stockBefore, 'the stock is where it was before the order');
  });
});
