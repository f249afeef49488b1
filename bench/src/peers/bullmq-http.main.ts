// Raw BullMQ behind a minimal HTTP endpoint: the upper bound of a Redis queue
// without Postgres. Nothing is durable before the 202 beyond what Redis keeps.
//   api     POST /v1/events → three Queue.add (one per queue, concurrently), then 202
//   worker  one Worker per queue, concurrency 20, a processor that only records its start
import { Queue } from 'bullmq';
import { randomUUID } from 'node:crypto';
import { answerOverIpc, HandlerStarts } from '../handler-starts.js';
import { RAW_JOB_OPTIONS } from '../payload.js';
import { redisConnection, startNoopWorkers } from '../raw-bullmq.js';
import { serveEvents } from './http.js';
import { type PeerSpec, type QueuedEvent, readSpec, runMain } from './process.js';

async function api(spec: PeerSpec): Promise<void> {
  const queues = spec.queues.map((name) => new Queue(name, { connection: redisConnection(spec.redisUrl), prefix: spec.prefix }));
  await Promise.all(queues.map((queue) => queue.waitUntilReady()));
  await serveEvents(
    async ({ event }) => {
      const data: QueuedEvent = {
        event: { id: randomUUID(), type: event.type, source: event.source, subject: event.subject, data: event.data, receivedAt: new Date().toISOString() },
      };
      // The same job options as Switchyard's publisher (and the baseline's).
      await Promise.all(queues.map((queue) => queue.add(String(event.type), data, RAW_JOB_OPTIONS)));
      return { id: data.event.id };
    },
    async () => {
      await Promise.all(queues.map((queue) => queue.close()));
    },
  );
}

async function worker(spec: PeerSpec): Promise<void> {
  const starts = new HandlerStarts();
  answerOverIpc(starts);
  await startNoopWorkers(spec, (job) => {
    const { event } = job.data as QueuedEvent;
    starts.record(Date.parse(event.receivedAt), event.data, job.processedOn ? { enqueuedAt: job.timestamp, activeAt: job.processedOn } : undefined);
  });
  process.send?.({ type: 'ready' });
}

const spec = readSpec();
runMain(() => (spec.role === 'api' ? api(spec) : worker(spec)));
