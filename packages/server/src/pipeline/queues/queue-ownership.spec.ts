import 'reflect-metadata';
import { Processor, QueueEventsHost, QueueEventsListener, WorkerHost } from '@nestjs/bullmq';
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { PROCESSOR_METADATA, QUEUE_EVENTS_LISTENER_METADATA } from './queue-ownership.js';

// @nestjs/bullmq does not export its metadata keys; if it renames them,
// QueueOwnership would stop seeing processors on Switchyard's queues.
describe("@nestjs/bullmq's decorator metadata, as QueueOwnership reads it", () => {
  it('finds the queue of a @Processor', () => {
    @Processor('payment')
    class ChargeListener extends WorkerHost {
      async process(): Promise<void> {}
    }
    assert.equal(Reflect.getMetadata(PROCESSOR_METADATA, ChargeListener)?.name, 'payment');
  });

  it('finds the queue and the options of a @QueueEventsListener', () => {
    const connection = { host: '127.0.0.1', port: 6379 };
    @QueueEventsListener('payment', { connection })
    class PaymentEvents extends QueueEventsHost {}
    assert.deepEqual(Reflect.getMetadata(QUEUE_EVENTS_LISTENER_METADATA, PaymentEvents), { queueName: 'payment', queueEventsOptions: { connection } });
  });
});
