import 'reflect-metadata';
import { Processor, QueueEventsHost, QueueEventsListener, WorkerHost } from '@nestjs/bullmq';
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { PROCESSOR_METADATA, QUEUE_EVENTS_LISTENER_METADATA } from './queue-ownership.js';

// @nestjs/bullmq does not export its metadata keys; if it renames them,
// QueueOwnership would stop seeing processors on Switchyard's queues.
describe("@nestjs/bullmq's decorator metadata, as QueueOwnership reads it", () => {
  it('finds the queue of a @Processor', () => {
    @Processor('images')
    class ResizeListener extends WorkerHost {
      async process(): Promise<void> {}
    }
    assert.equal(Reflect.getMetadata(PROCESSOR_METADATA, ResizeListener)?.name, 'images');
  });

  it('finds the queue and the options of a @QueueEventsListener', () => {
    const connection = { host: '127.0.0.1', port: 6379 };
    @QueueEventsListener('images', { connection })
    class ImageEvents extends QueueEventsHost {}
    assert.deepEqual(Reflect.getMetadata(QUEUE_EVENTS_LISTENER_METADATA, ImageEvents), { queueName: 'images', queueEventsOptions: { connection } });
  });
});
