import { Injectable } from '@nestjs/common';
import { OutboxPublisher } from '../outbox/outbox-publisher.js';
import { isDatabaseUnavailable } from '../../foundation/problems/database-errors.js';
import { EventStore, type EventToStore, jobsToPublish } from '../events/event-store.js';

interface Waiting {
  events: EventToStore[];
  resolve: (stored: Map<string, Date>) => void;
  reject: (error: unknown) => void;
}

/** Statements in flight at once: enough to keep Postgres busy, few enough that batches form. */
const MAX_IN_FLIGHT = 4;
const MAX_BATCH_EVENTS = 1_000;

/**
 * Group commit for ingest. Requests that arrive while earlier ones are being
 * written share the next statement: one append (events, outbox rows, keys)
 * and one addBulk per queue, however many producers sent them. Under load
 * that turns per-request round trips into per-batch ones; alone, a request
 * waits one event-loop turn. Every request still gets its
 * answer only after its events are committed (and published or left to the
 * relay).
 */
@Injectable()
export class GroupCommit {
  private waiting: Waiting[] = [];
  private inFlight = 0;
  private scheduled = false;

  constructor(
    private readonly store: EventStore,
    private readonly publisher: OutboxPublisher,
  ) {}

  /** Stores and publishes `events`; resolves with the ids stored (the others' keys were taken) and their time of receipt. */
  commit(events: EventToStore[]): Promise<Map<string, Date>> {
    if (events.length === 0) return Promise.resolve(new Map());
    return new Promise((resolve, reject) => {
      this.waiting.push({ events, resolve, reject });
      this.schedule();
    });
  }

  private schedule(): void {
    if (this.scheduled || this.inFlight >= MAX_IN_FLIGHT || this.waiting.length === 0) return;
    this.scheduled = true;
    // One turn of the event loop lets requests parsed in the same tick join.
    setImmediate(() => {
      this.scheduled = false;
      void this.flush();
    });
  }

  private async flush(): Promise<void> {
    const batch: Waiting[] = [];
    let size = 0;
    while (this.waiting.length && (batch.length === 0 || size + this.waiting[0].events.length <= MAX_BATCH_EVENTS)) {
      const next = this.waiting.shift()!;
      batch.push(next);
      size += next.events.length;
    }
    this.inFlight++;
    this.schedule();
    try {
      await this.write(batch);
    } catch (error) {
      if (batch.length === 1 || isDatabaseUnavailable(error)) {
        for (const request of batch) request.reject(error);
      } else {
        // Something in one request broke the shared statement: write them one by one,
        // so only the request at fault sees the error.
        for (const request of batch) await this.write([request]).catch((failure: unknown) => request.reject(failure));
      }
    } finally {
      this.inFlight--;
      this.schedule();
    }
  }

  private async write(batch: Waiting[]): Promise<void> {
    // Two requests with one idempotency key: the first stores, the second finds the key taken.
    const keys = new Set<string>();
    const unique = batch.flatMap((request) => request.events).filter((event) => {
      const key = event.incoming.idempotencyKey;
      if (key === null) return true;
      if (keys.has(key)) return false;
      keys.add(key);
      return true;
    });
    const stored = await this.store.append(unique);
    await this.publisher.publishAfterCommit(jobsToPublish(unique, stored), 'deferred');
    const receivedAt = new Map([...stored].map(([eventId, row]) => [eventId, row.receivedAt]));
    for (const request of batch) request.resolve(receivedAt);
  }
}
