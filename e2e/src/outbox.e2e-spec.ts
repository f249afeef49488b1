import type { AcceptedEvent, EventLineage } from '@switchyard/core/contracts';
import { queryRows, testDatabaseUrl, ThrowawayRedis, waitFor } from '@switchyard/testing';
import { anOrder, orderPlacedEvent } from '@switchyard/example-shop';
import { resetWithCatalogue } from './support/database.js';
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { OutboxPublisher } from '@switchyard/server/internal';
import { TestStack } from './support/stack.js';

const db = testDatabaseUrl();

describe('the outbox: an event answered 202 is never lost', () => {
  let redis: ThrowawayRedis;
  let stack: TestStack;
  before(async () => {
    await resetWithCatalogue(db);
    // A Redis of this test's own: it is about to be killed.
    redis = await ThrowawayRedis.start();
    stack = await TestStack.start({ env: { REDIS_URL: redis.url, OUTBOX_SWEEP_INTERVAL_MS: '500', OUTBOX_GRACE_MS: '3000' } });
  });
  after(async () => {
    await stack.close();
    await redis.dispose();
  });

  const lineage = async (eventId: string) => (await stack.get<EventLineage>(`/v1/events/${eventId}`)).body;
  const allCompleted = (eventId: string) =>
    waitFor(`jobs of ${eventId} completed`, async () => (await lineage(eventId)).jobs.every((job) => job.state === 'completed'), { timeoutMs: 30_000 });

  it('marks published jobs itself, alone or together, well before the relay would look', async () => {
    const marked = (eventIds: string[]) =>
      waitFor(
        'jobs marked published',
        async () =>
          (await queryRows<{ n: number }>(db, 'SELECT count(*)::int AS n FROM switchyard.jobs WHERE event_id = ANY($1::uuid[]) AND published_at IS NULL', [eventIds]))[0]
            .n === 0,
        // Under the relay's grace period (3 s here): only the API's own mark can explain it.
        { timeoutMs: 1_500 },
      );
    const { body: alone } = await stack.post<AcceptedEvent>('/v1/events', orderPlacedEvent());
    await marked([alone.eventId]);
    const together = await Promise.all(Array.from({ length: 40 }, () => stack.post<AcceptedEvent>('/v1/events', orderPlacedEvent())));
    assert.ok(together.every((answer) => answer.status === 202));
    await marked(together.map((answer) => answer.body.eventId));
    for (const answer of [alone, ...together.map((t) => t.body)]) await allCompleted(answer.eventId);
  });

  it('leaves rows a worker already marked alone: their mark neither locks nor writes them', async () => {
    const { body } = await stack.post<AcceptedEvent>('/v1/events', orderPlacedEvent());
    await waitFor('outcomes recorded', async () =>
      (await queryRows(db, "SELECT 1 FROM switchyard.jobs WHERE event_id = $1 AND outcome = 'completed' AND published_at IS NOT NULL", [body.eventId])).length === 2);
    // A fixed wait on purpose: the API's own mark (250 ms after publishing here) has run.
    await new Promise((resolve) => setTimeout(resolve, 500));
    // xmin changes with every write, xmax with every row lock.
    const versions = () => queryRows<{ id: string; xmin: string; xmax: string; published: boolean }>(
      db, 'SELECT id, xmin::text, xmax::text, published_at IS NOT NULL AS published FROM switchyard.jobs WHERE event_id = $1 ORDER BY id', [body.eventId]);
    const [first] = await versions();
    await queryRows(db, 'UPDATE switchyard.jobs SET published_at = NULL WHERE id = $1', [first.id]); // as if its mark were still to come
    const before = await versions();
    await stack.api.get(OutboxPublisher).markPublished(before.map((row) => row.id));
    const after = await versions();
    assert.ok(after[0].published && after[0].xmin !== before[0].xmin, 'the unmarked row is marked');
    assert.deepEqual(after.slice(1), before.slice(1), 'the marked row keeps its version and takes no lock');
  });

  it('accepts events while Redis is down and delivers them once it is back', async () => {
    await redis.stop();
    const orders = [anOrder(), anOrder(), anOrder()];
    const answers = [];
    for (const order of orders) {
      const answer = await stack.post<AcceptedEvent>('/v1/events', orderPlacedEvent(order));
      assert.equal(answer.status, 202, answer.text);
      answers.push(answer.body);
    }
    // Counted per event: follow-up events of earlier orders, emitted while Redis is down, wait in the outbox too.
    const pending = await queryRows<{ n: number }>(db, 'SELECT count(*)::int AS n FROM switchyard.jobs WHERE published_at IS NULL AND event_id = ANY($1::uuid[])', [answers.map((answer) => answer.eventId)]);
    assert.equal(pending[0].n, 6, 'all six jobs (inventory.reserve and payment.charge of each) wait in the outbox');
    assert.deepEqual(new Set((await lineage(answers[0].eventId)).jobs.map((job) => job.state)), new Set(['pending']));

    await redis.start();
    for (const answer of answers) await allCompleted(answer.eventId);
    // Everything, follow-up events' jobs included, leaves the outbox.
    await waitFor('the outbox empty', async () => (await queryRows<{ n: number }>(db, 'SELECT count(*)::int AS n FROM switchyard.jobs WHERE published_at IS NULL'))[0].n === 0, { timeoutMs: 20_000 });
    assert.equal(
      (await queryRows(db, 'SELECT 1 FROM shop.payments WHERE order_id = ANY($1)', [orders.map((order) => order.orderId)])).length,
      3,
    );
  });

  it('publishes rows a crashed API left behind between commit and enqueue', async () => {
    const { body: answer } = await stack.post<AcceptedEvent>('/v1/events', orderPlacedEvent());
    await allCompleted(answer.eventId);
    // Simulate the crash window: the rows are committed but were never published.
    // Copy the event under a new id with unpublished jobs, as a dead API would leave it.
    const [copy] = await queryRows<{ id: string }>(
      db,
      `INSERT INTO switchyard.events (id, type, source, format, data, received_at)
       SELECT gen_random_uuid(), type, source, format, jsonb_set(data, '{orderId}', to_jsonb('ord_crash'::text)), now()
       FROM switchyard.events WHERE id = $1 RETURNING id::text`,
      [answer.eventId],
    );
    await queryRows(
      db,
      `INSERT INTO switchyard.jobs (id, event_id, handler, queue, priority, attempts, backoff, created_at)
       SELECT $1 || '.' || handler, $1::uuid, handler, queue, priority, attempts, backoff, now() - interval '5 seconds'
       FROM switchyard.jobs WHERE event_id = $2`,
      [copy.id, answer.eventId],
    );
    await allCompleted(copy.id);
    const jobs = await queryRows<{ published_at: Date | null }>(db, 'SELECT published_at FROM switchyard.jobs WHERE event_id = $1', [copy.id]);
    assert.ok(jobs.every((job) => job.published_at !== null));
  });
});
