import type { AcceptedEvent, BatchResult, EventLineage } from '@switchyard/core/contracts';
import { testDatabaseUrl, waitFor } from '@switchyard/testing';
import { aShipment, orderPlacedEvent } from '@switchyard/example-shop';
import { resetWithCatalogue } from './support/database.js';
import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import { seen } from './fixtures/test-handlers.js';
import { TestStack } from './support/stack.js';

const db = testDatabaseUrl();

describe('priority and delay', () => {
  let stack: TestStack;
  before(async () => {
    await resetWithCatalogue(db);
    stack = await TestStack.start();
  });
  after(() => stack.close());
  beforeEach(() => seen.reset());

  it('runs waiting jobs in priority order (1 first) once the queue resumes', async () => {
    const queue = stack.queue('test-serial');
    await queue.pause();
    const priorities = [5, 1, 4, 2, 3];
    for (const priority of priorities) {
      const answer = await stack.post('/v1/events', { type: 'test.ordered', data: { label: `p${priority}` }, priority });
      assert.equal(answer.status, 202);
    }
    await waitFor('all five prioritized', async () => (await queue.getJobCounts('prioritized')).prioritized === 5);
    await queue.resume();
    await waitFor('all five ran', () => seen.ordered.length === 5);
    assert.deepEqual(seen.ordered, ['p1', 'p2', 'p3', 'p4', 'p5']);
  });

  it('keeps a rate-limited queue within its limit', async () => {
    const { body } = await stack.post<BatchResult>('/v1/events/batch', Array.from({ length: 10 }, (_, n) => ({ type: 'test.limited', data: { n } })));
    assert.equal(body.accepted, 10);
    await waitFor('all ten ran', () => seen.limitedStarts.length === 10, { timeoutMs: 10_000 });
    const span = seen.limitedStarts[9] - seen.limitedStarts[0];
    // 4 per second: jobs 1-4 in the first window, 5-8 in the second, 9-10 in the third.
    assert.ok(span >= 1_900, `ten jobs took ${span} ms; unlimited they take a few ms`);
  });

  it('holds a delayed event until its delay has passed', async () => {
    const delay = 1_500;
    const sentAt = Date.now();
    const answer = await stack.post<AcceptedEvent>('/v1/events', { type: 'test.ordered', data: { label: 'late' }, delay });
    const { body } = await stack.get<EventLineage>(`/v1/events/${answer.body.eventId}`);
    assert.equal(body.jobs[0].state, 'delayed');
    await waitFor('the delayed job ran', () => seen.ordered.includes('late'), { timeoutMs: 10_000 });
    const job = await stack.queue('test-serial').getJob(answer.body.jobs[0].id);
    // The delay counts from when the API accepted the event, which is after sentAt.
    assert.ok(job?.processedOn && job.processedOn >= sentAt + delay, `started ${job!.processedOn! - sentAt} ms after the request`);
    assert.ok(job.processedOn < sentAt + delay + 1_000, 'and not much later');
  });

  it('honours deliverAt as an absolute time', async () => {
    const deliverAt = new Date(Date.now() + 1_200);
    const answer = await stack.post<AcceptedEvent>('/v1/events', { type: 'test.ordered', data: { label: 'at' }, deliverAt: deliverAt.toISOString() });
    assert.equal(answer.status, 202);
    await waitFor('the scheduled job ran', () => seen.ordered.includes('at'));
    const job = await stack.queue('test-serial').getJob(answer.body.jobs[0].id);
    assert.ok(job?.processedOn && job.processedOn >= deliverAt.getTime() - 10, `started ${job?.processedOn! - deliverAt.getTime()} ms from deliverAt`);
  });

  it('applies handler defaults: the review request waits three days, the shipping notice does not', async () => {
    const answer = await stack.post<AcceptedEvent>('/v1/events', { type: 'order.shipped', data: aShipment('ord_ship_1') });
    const lineage = await waitFor('shipping notice sent', async () => {
      const { body } = await stack.get<EventLineage>(`/v1/events/${answer.body.eventId}`);
      return body.jobs.find((job) => job.handler === 'email.shipping-notice')?.state === 'completed' && body;
    });
    const review = lineage.jobs.find((job) => job.handler === 'email.review-request');
    assert.equal(review?.state, 'delayed');
    const job = await stack.queue('email').getJob(review!.id);
    const threeDays = 3 * 24 * 3_600_000;
    assert.ok(job && job.delay > threeDays - 60_000 && job.delay <= threeDays, `delay ${job?.delay}`);
    assert.equal(job?.opts.priority, 50);
  });

  it('lets the producer override priority and delay for one event', async () => {
    const answer = await stack.post<AcceptedEvent>('/v1/events', { type: 'order.shipped', data: aShipment('ord_ship_2'), delay: 10_000, priority: 3 });
    for (const ref of answer.body.jobs) {
      const job = await stack.queue('email').getJob(ref.id);
      assert.equal(job?.opts.priority, 3, ref.handler);
      assert.ok(job && job.delay > 9_000 && job.delay <= 10_000, `${ref.handler} delay ${job?.delay}`);
    }
    const placed = await stack.post<AcceptedEvent>('/v1/events', orderPlacedEvent(undefined, { priority: 9 }));
    const payment = await stack.queue('payment').getJob(placed.body.jobs.find((job) => job.queue === 'payment')!.id);
    assert.equal(payment?.opts.priority, 9);
  });
});
