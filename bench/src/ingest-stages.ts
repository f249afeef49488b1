// Where an API process spends an event's time before the worker sees it:
// wraps the ingest's store and publish steps (on their classes, so every
// instance the modules made is covered; bench only) and keeps, per event,
// how long each took. Changes nothing they do.
import { EventStore, OutboxPublisher } from '@switchyard/server/internal';
import { sentAtOf } from './payload.js';
import { preciseNow, Samples, summarise } from './stats.js';

/** Per event: sent → the store's call (HTTP, validation, the group commit's wait), the store (insert and commit), the publish (addBulk). */
export const INGEST_STAGES = { receive: new Samples(), store: new Samples(), publish: new Samples() };

export function recordIngestStages(): void {
  const append = EventStore.prototype.append;
  EventStore.prototype.append = async function (this: EventStore, events) {
    const started = preciseNow();
    const stored = await append.call(this, events);
    const took = preciseNow() - started;
    for (const event of events) {
      const sentAt = sentAtOf(event.incoming.data);
      if (sentAt === null) continue;
      INGEST_STAGES.receive.push(started - sentAt);
      INGEST_STAGES.store.push(took);
    }
    return stored;
  };
  const enqueue = OutboxPublisher.prototype.enqueue;
  OutboxPublisher.prototype.enqueue = async function (this: OutboxPublisher, entries) {
    const started = preciseNow();
    const published = await enqueue.call(this, entries);
    const took = preciseNow() - started;
    const events = new Set(entries.filter((entry) => sentAtOf(entry.event.data) !== null).map((entry) => entry.event.id));
    for (let i = 0; i < events.size; i++) INGEST_STAGES.publish.push(took);
    return published;
  };
}

export function ingestStageSummaries() {
  return Object.fromEntries(Object.entries(INGEST_STAGES).map(([stage, samples]) => [stage, summarise(samples.values())]));
}

export function resetIngestStages(): void {
  for (const samples of Object.values(INGEST_STAGES)) samples.clear();
}
