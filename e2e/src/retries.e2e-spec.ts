import type { AcceptedEvent, EventLineage } from '@switchyard/core/contracts';
import { queryRows, testDatabaseUrl, waitFor } from '@switchyard/testing';
import { anOrder, orderPlacedEvent } from '@switchyard/example-shop';
import { resetWithCatalogue } from './support/database.js';
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { seen } from './fixtures/test-handlers.js';
import { TestStack } from './support/stack.js';

const db = testDatabaseUrl();

interface AttemptRow extends Record<string, unknown> {
  attempt: number;
  error_name: string;
  error_message: string;
  error_stack: string | null;
  retryable: boolean;
  worker_id: string;
  duration_ms: number;
  started_at: Date;
}

interface DeadLetterRow extends Record<string, unknown> {
  job_id: string;
  queue: string;
  handler: string;
  event_type: string;
  payload: { id: string; data: unknown };
  error_name: string;
  error_message: string;
  attempts_made: number;
  first_failed_at: Date;
  last_failed_at: Date;
  status: string;
}

const attemptsOf = (eventId: string, handler: string) =>
  queryRows<AttemptRow>(db, 'SELECT * FROM switchyard.job_attempts WHERE event_id = $1 AND handler = $2 ORDER BY id', [eventId, handler]);
const deadLettersOf = (eventId: string) => queryRows<DeadLetterRow>(db, 'SELECT * FROM switchyard.dead_letters WHERE event_id = $1', [eventId]);

describe('retries, non-retryable errors and dead letters', () => {
  let stack: TestStack;
  before(async () => {
    await resetWithCatalogue(db);
    stack = await TestStack.start();
  });
  after(() => stack.close());

  async function lineage(eventId: string): Promise<EventLineage> {
    return (await stack.get<EventLineage>(`/v1/events/${eventId}`)).body;
  }

  it('retries a failing job with exponential backoff and records every failed attempt', async () => {
    const answer = await stack.post<AcceptedEvent>('/v1/events', { type: 'test.flaky', data: { key: 'twice', failTimes: 2 } });
    const done = await waitFor('the flaky job completed', async () => {
      const body = await lineage(answer.body.eventId);
      return body.jobs[0].state === 'completed' && body;
    });
    assert.equal(done.jobs[0].attemptsMade, 3);
    const starts = seen.flakyAttempts.get('twice')!;
    assert.equal(starts.length, 3);
    // backoff: 200 ms × 2^(n-1), no jitter configured on this handler
    assert.ok(starts[1] - starts[0] >= 190, `first retry after ${starts[1] - starts[0]} ms`);
    assert.ok(starts[2] - starts[1] >= 390, `second retry after ${starts[2] - starts[1]} ms`);
    const attempts = await attemptsOf(answer.body.eventId, 'test.flaky');
    assert.deepEqual(attempts.map((row) => [row.attempt, row.error_message, row.retryable]), [
      [1, 'planned failure 1 of 2', true],
      [2, 'planned failure 2 of 2', true],
    ]);
    for (const row of attempts) {
      assert.equal(row.error_name, 'Error');
      assert.match(row.error_stack ?? '', /FlakyHandler/);
      assert.equal(row.worker_id, `test-${process.pid}`);
      assert.ok(row.duration_ms >= 0);
    }
    assert.deepEqual(await deadLettersOf(answer.body.eventId), []);
  });

  it('dead-letters a job that fails every attempt, keeping the whole history', async () => {
    const answer = await stack.post<AcceptedEvent>('/v1/events', orderPlacedEvent(anOrder({ token: 'tok_unavailable' })));
    const body = await waitFor('payment dead', async () => {
      const current = await lineage(answer.body.eventId);
      return current.jobs.find((job) => job.handler === 'payment.charge')?.state === 'dead' && current;
    }, { timeoutMs: 30_000 });
    const payment = body.jobs.find((job) => job.handler === 'payment.charge')!;
    assert.equal(payment.attemptsMade, 5);
    assert.match(payment.failedReason ?? '', /timed out/);
    const attempts = await attemptsOf(answer.body.eventId, 'payment.charge');
    assert.deepEqual(attempts.map((row) => row.attempt), [1, 2, 3, 4, 5]);
    assert.ok(attempts.every((row) => row.error_name === 'GatewayTimeoutError' && row.retryable));
    const [dead] = await deadLettersOf(answer.body.eventId);
    assert.equal(dead.handler, 'payment.charge');
    assert.equal(dead.queue, 'payment');
    assert.equal(dead.job_id, payment.id);
    assert.equal(dead.event_type, 'order.placed');
    assert.equal(dead.status, 'open');
    assert.equal(dead.attempts_made, 5);
    assert.equal(dead.error_name, 'GatewayTimeoutError');
    assert.equal(dead.payload.id, answer.body.eventId);
    assert.deepEqual(dead.first_failed_at, attempts[0].finished_at);
    assert.deepEqual(dead.last_failed_at, attempts[4].finished_at);
    // BullMQ keeps the failed job too (until retention removes it); the other handlers were unaffected.
    assert.equal(await (await stack.queue('payment').getJob(payment.id))?.getState(), 'failed');
    assert.ok(body.jobs.filter((job) => job.handler !== 'payment.charge').every((job) => job.state === 'completed'));
  });

  it('sends a non-retryable error straight to the dead letters', async () => {
    const answer = await stack.post<AcceptedEvent>('/v1/events', orderPlacedEvent(anOrder({ token: 'tok_declined' })));
    await waitFor('payment dead', async () => (await lineage(answer.body.eventId)).jobs.find((job) => job.handler === 'payment.charge')?.state === 'dead');
    const attempts = await attemptsOf(answer.body.eventId, 'payment.charge');
    assert.deepEqual(attempts.map((row) => [row.attempt, row.error_name, row.error_message, row.retryable]), [
      [1, 'CardDeclinedError', 'card declined', false],
    ]);
    const [dead] = await deadLettersOf(answer.body.eventId);
    assert.equal(dead.attempts_made, 1);
    assert.equal(dead.error_message, 'card declined');
    assert.equal(await queryRows(db, 'SELECT 1 FROM shop.payments WHERE order_id = $1', [(dead.payload.data as { orderId: string }).orderId]).then((rows) => rows.length), 0);
  });

  it('rolls back a partial reservation when one SKU is short, and dead-letters it', async () => {
    const order = anOrder({ items: [{ sku: 'SKU-RED-MUG', quantity: 1, unitPrice: 100 }, { sku: 'SKU-LAST-ONE', quantity: 2, unitPrice: 100 }] });
    const before = await queryRows(db, "SELECT available FROM shop.stock_items WHERE sku = 'SKU-RED-MUG'");
    const answer = await stack.post<AcceptedEvent>('/v1/events', orderPlacedEvent(order));
    await waitFor('inventory dead', async () => (await lineage(answer.body.eventId)).jobs.find((job) => job.handler === 'inventory.reserve')?.state === 'dead');
    const [dead] = (await deadLettersOf(answer.body.eventId)).filter((row) => row.handler === 'inventory.reserve');
    assert.equal(dead.error_message, 'Not enough stock of SKU-LAST-ONE: 2 ordered, 1 available');
    assert.equal(dead.attempts_made, 1);
    assert.deepEqual(await queryRows(db, "SELECT available FROM shop.stock_items WHERE sku = 'SKU-RED-MUG'"), before, 'the mug was put back');
    assert.deepEqual(await queryRows(db, 'SELECT * FROM shop.stock_reservations WHERE order_id = $1', [order.orderId]), []);
  });
});
