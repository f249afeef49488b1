import type { AcceptedEvent, BatchResult, EventLineage, Problem } from '@switchyard/core/contracts';
import { queryRows, testDatabaseUrl, waitFor } from '@switchyard/testing';
import { anOrder } from '@switchyard/example-shop';
import { resetWithCatalogue } from './support/database.js';
import { CloudEvent, emitterFor, HTTP, httpTransport, Mode } from 'cloudevents';
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { TestStack } from './support/stack.js';

const db = testDatabaseUrl();

describe('CloudEvents 1.0 over HTTP, sent with the official cloudevents SDK', () => {
  let stack: TestStack;
  before(async () => {
    await resetWithCatalogue(db);
    stack = await TestStack.start();
  });
  after(() => stack.close());

  async function completed(eventId: string): Promise<EventLineage> {
    return waitFor(`jobs of ${eventId} completed`, async () => {
      const { body } = await stack.get<EventLineage>(`/v1/events/${eventId}`);
      return body.jobs.length > 0 && body.jobs.every((job) => job.state === 'completed') && body;
    });
  }

  for (const mode of [Mode.STRUCTURED, Mode.BINARY]) {
    it(`accepts ${mode} mode and runs the event's handlers`, async () => {
      const emit = emitterFor(httpTransport(stack.url('/v1/events')), { mode });
      const event = new CloudEvent({
        type: 'order.placed',
        source: 'urn:shop:checkout',
        subject: 'orders/42',
        datacontenttype: 'application/json',
        data: anOrder(),
        priority: 7,
        traceparent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01',
      });
      const response = (await emit(event, { headers: stack.auth })) as { body: string; headers: Record<string, string> };
      const accepted = JSON.parse(response.body) as AcceptedEvent;
      assert.equal(accepted.type, 'order.placed');
      assert.equal(accepted.jobs.length, 2, 'inventory.reserve and payment.charge');
      assert.equal(response.headers.location, `/v1/events/${accepted.eventId}`);

      const lineage = await completed(accepted.eventId);
      assert.equal(lineage.source, 'urn:shop:checkout');
      assert.equal(lineage.subject, 'orders/42');
      assert.deepEqual(lineage.data, event.data);
      assert.ok(lineage.jobs.every((job) => job.priority === 7), 'the priority extension overrides handler priorities');
      const [row] = await queryRows<{ format: string; source_event_id: string; extensions: Record<string, unknown> }>(
        db,
        'SELECT format, source_event_id, extensions FROM switchyard.events WHERE id = $1',
        [accepted.eventId],
      );
      assert.equal(row.format, 'cloudevents');
      assert.equal(row.source_event_id, event.id);
      assert.equal(row.extensions.traceparent, event.traceparent);
    });
  }

  it('accepts a batch (application/cloudevents-batch+json) and answers each event', async () => {
    const events = [
      new CloudEvent({ type: 'order.placed', source: 'urn:shop:checkout', data: anOrder() }),
      new CloudEvent({ type: 'order.placed', source: 'urn:shop:checkout', data: { orderId: 'broken' } }),
      new CloudEvent({ type: 'order.refunded', source: 'urn:shop:checkout', data: {} }),
    ];
    const body = `[${events.map((event) => HTTP.structured(event).body).join(',')}]`;
    const answer = await stack.post<BatchResult>('/v1/events/batch', body, { 'content-type': 'application/cloudevents-batch+json' });
    assert.equal(answer.status, 207);
    assert.deepEqual(answer.body.items.map((item) => item.status), [202, 400, 422]);
    assert.ok(answer.body.items[1].problem?.errors?.some((error) => error.path === 'data.customer'));
    await completed(answer.body.items[0].event!.eventId);
    const replay = await stack.post<BatchResult>('/v1/events/batch', body, { 'content-type': 'application/cloudevents-batch+json' });
    assert.deepEqual(replay.body.items.map((item) => item.outcome), ['replayed', 'rejected', 'rejected']);
  });

  it('reads delay and deliverat extensions, as numbers or (binary mode) strings', async () => {
    const message = HTTP.binary(new CloudEvent({ type: 'order.placed', source: 'urn:shop:checkout', data: anOrder(), delay: 60_000 }));
    const answer = await stack.post<AcceptedEvent>('/v1/events', message.body as string, message.headers as Record<string, string>);
    assert.equal(answer.status, 202);
    const { body } = await stack.get<EventLineage>(`/v1/events/${answer.body.eventId}`);
    assert.deepEqual(new Set(body.jobs.map((job) => job.state)), new Set(['delayed']));
    const job = await stack.queue('payment').getJob(`${answer.body.eventId}.payment.charge`);
    assert.ok(job && job.delay > 55_000 && job.delay <= 60_000, `delay ${job?.delay}`);
  });

  it('rejects CloudEvents that break the spec, naming the attribute', async () => {
    const missingSource = await stack.post<Problem>(
      '/v1/events',
      { specversion: '1.0', id: 'x', type: 'order.placed', data: anOrder() },
      { 'content-type': 'application/cloudevents+json' },
    );
    assert.equal(missingSource.status, 400);
    assert.deepEqual(missingSource.body.errors, [{ path: 'source', message: 'is required' }]);
    const oldSpec = await stack.post<Problem>(
      '/v1/events',
      { specversion: '0.3', id: 'x', source: 's', type: 'order.placed', data: anOrder() },
      { 'content-type': 'application/cloudevents+json' },
    );
    assert.equal(oldSpec.body.errors?.[0].path, 'specversion');
    const badExtension = await stack.post<Problem>(
      '/v1/events',
      { specversion: '1.0', id: 'x', source: 's', type: 'order.placed', data: anOrder(), Trace_Id: 'x' },
      { 'content-type': 'application/cloudevents+json' },
    );
    assert.equal(badExtension.body.errors?.[0].path, 'Trace_Id');
    const binaryNotJson = await stack.post<Problem>('/v1/events', 'hello', {
      'content-type': 'text/plain',
      'ce-specversion': '1.0',
      'ce-id': 'x',
      'ce-source': 's',
      'ce-type': 'order.placed',
    });
    assert.equal(binaryNotJson.status, 415);
  });
});
