import type { AcceptedEvent, DeadLetterDetail, DeadLetterPage, EventLineage, EventPage, QueueJob } from '@switchyard/core/contracts';
import { PaymentGateway } from '@switchyard/example-shop';
import { queryRows, testDatabaseUrl, waitFor } from '@switchyard/testing';
import { anOrder, orderPlacedEvent } from '@switchyard/example-shop';
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { resetWithCatalogue } from './support/database.js';
import { TestStack } from './support/stack.js';

const db = testDatabaseUrl();
const REDACT_PATHS = 'data.payment.token,data.customer.email,data.items[].sku,data.secret';

describe('redaction (REDACT_PATHS)', () => {
  let stack: TestStack;
  before(async () => {
    await resetWithCatalogue(db);
    stack = await TestStack.start({ env: { REDACT_PATHS } });
  });
  after(() => stack.close());

  const deadLetterOf = async (eventId: string, handler: string) => {
    const [row] = await waitFor('the dead letter', () => queryRows<{ id: string }>(db, 'SELECT id::text AS id FROM switchyard.dead_letters WHERE event_id = $1 AND handler = $2', [eventId, handler]).then((rows) => rows.length > 0 && rows));
    return row.id;
  };

  it('masks dead letters as stored and as answered, and lineage, while the event keeps its data for a retry', async () => {
    const order = anOrder({ token: 'tok_declined' });
    const { body: accepted } = await stack.post<AcceptedEvent>('/v1/events', orderPlacedEvent(order));
    const id = await deadLetterOf(accepted.eventId, 'payment.charge');

    const [stored] = await queryRows<{ payload: { data: typeof order } }>(db, 'SELECT payload FROM switchyard.dead_letters WHERE id = $1', [id]);
    assert.equal(stored.payload.data.payment.token, '[redacted]');
    assert.equal(stored.payload.data.customer.email, '[redacted]');
    assert.deepEqual(stored.payload.data.items.map((item) => item.sku), ['[redacted]', '[redacted]']);
    assert.equal(stored.payload.data.customer.name, order.customer.name, 'other fields stay');

    const detail = (await stack.get<DeadLetterDetail>(`/v1/dead-letters/${id}`)).body;
    const text = JSON.stringify(detail);
    for (const secret of ['tok_declined', 'ada@example.com', 'SKU-RED-MUG']) assert.ok(!text.includes(secret), `${secret} in the dead letter`);
    assert.equal((detail.event!.data as typeof order).payment.token, '[redacted]');
    const lineage = (await stack.get<EventLineage>(`/v1/events/${accepted.eventId}`)).body;
    assert.equal((lineage.data as typeof order).payment.token, '[redacted]');
    assert.equal((lineage.data as typeof order).orderId, order.orderId);
    assert.equal((await stack.get<DeadLetterPage>('/v1/dead-letters?q=tok_declined')).body.items.length, 0);

    // The event keeps the token while its dead letter is open: a retry charges the real card.
    const [event] = await queryRows<{ token: string; redacted: boolean }>(db, "SELECT data->'payment'->>'token' AS token, redacted_at IS NOT NULL AS redacted FROM switchyard.events WHERE id = $1", [accepted.eventId]);
    assert.deepEqual(event, { token: 'tok_declined', redacted: false });
    stack.worker!.get(PaymentGateway, { strict: false }).approve('tok_declined');
    assert.equal((await stack.post(`/v1/dead-letters/${id}/retry`, '')).status, 202);
    await waitFor('the retry charged the card', async () => (await queryRows(db, 'SELECT 1 FROM shop.payments WHERE order_id = $1', [order.orderId])).length === 1);

    // Every job done and the dead letter resolved: the stored event is scrubbed.
    const scrubbed = await waitFor('the stored event scrubbed', async () => {
      const [row] = await queryRows<{ data: typeof order; redacted: boolean }>(db, 'SELECT data, redacted_at IS NOT NULL AS redacted FROM switchyard.events WHERE id = $1', [accepted.eventId]);
      return row.redacted && row.data;
    });
    assert.equal(scrubbed.payment.token, '[redacted]');
    assert.equal(scrubbed.customer.email, '[redacted]');
    assert.equal(scrubbed.orderId, order.orderId);
  });

  it('refuses event searches that would confirm a redacted value, and q does not see them', async () => {
    const order = anOrder({ token: 'tok_visa_4242' });
    const { body: accepted } = await stack.post<AcceptedEvent>('/v1/events', orderPlacedEvent(order));
    for (const query of ['data.payment.token=tok_visa_4242', 'data.payment.token.x=1', 'data.items[].sku=SKU-RED-MUG', 'data.customer.email=ada%40example.com']) {
      const answer = await stack.get<{ errors: Array<{ path: string; message: string }> }>(`/v1/events?${query}`);
      assert.equal(answer.status, 400, query);
      assert.match(answer.body.errors[0].message, /is redacted \(REDACT_PATHS\)/);
    }
    assert.equal((await stack.get<EventPage>('/v1/events?q=tok_visa_4242')).body.items.length, 0);
    // The order's follow-up events (payment.succeeded, …) carry its id too: look at order.placed alone.
    const byOrder = await stack.get<EventPage>(`/v1/events?type=order.placed&q=${order.orderId}`);
    assert.deepEqual(byOrder.body.items.map((item) => item.eventId), [accepted.eventId]);
    assert.equal((await stack.get<EventPage>(`/v1/events?type=order.placed&data.orderId=${order.orderId}`)).body.items.length, 1);
  });

  it('masks values echoed in error messages, job details, and never puts them in metrics', async () => {
    const secret = 'hunter2-s3cret';
    const { body: accepted } = await stack.post<AcceptedEvent>('/v1/events', { type: 'test.leaky', data: { secret, fail: true } });
    const id = await deadLetterOf(accepted.eventId, 'test.leaky');
    const [attempt] = await queryRows<{ error_message: string; error_stack: string }>(db, 'SELECT error_message, error_stack FROM switchyard.job_attempts WHERE event_id = $1', [accepted.eventId]);
    assert.equal(attempt.error_message, 'upstream refused secret "[redacted]"');
    assert.ok(!attempt.error_stack.includes(secret));
    const detail = (await stack.get<DeadLetterDetail>(`/v1/dead-letters/${id}`)).body;
    assert.ok(!JSON.stringify(detail).includes(secret));
    const job = (await stack.get<QueueJob>(`/v1/queues/test-leaky/jobs/${encodeURIComponent(accepted.jobs[0].id)}`)).body;
    assert.equal(job.failedReason, 'upstream refused secret "[redacted]"');
    assert.ok(!JSON.stringify(job).includes(secret), JSON.stringify(job));
    const metrics = (await stack.get<string>('/metrics')).text;
    assert.ok(!metrics.includes(secret) && !metrics.includes('tok_declined'));
  });
});
