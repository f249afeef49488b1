import { Inject, Injectable } from '@nestjs/common';
import type { Prisma } from '../../db/index.js';
import { SWITCHYARD_CONFIG, type SwitchyardConfig } from '../config/core-config.js';
import { EventsRepository } from '../repositories/events.repository.js';
import { Redactor } from './redactor.js';

/**
 * Masks REDACT_PATHS in `events.data` once the event's jobs are done with it
 * (REDACT_STORED, on by default when paths are set). Until then the data must
 * stay whole: the outbox relay republishes from it, and a dead letter's retry
 * (see redrive) delivers it again. So an event is scrubbed when every job of
 * it has an outcome and none of its dead letters is open, retrying or
 * discarded (a discarded one may still be retried). Replays of a scrubbed
 * event deliver the mask.
 *
 * The workers call it in the transaction that records completions, after
 * locking the events (in id order, so two workers never deadlock): the second
 * of two workers finishing one event's last jobs then sees the first's
 * outcome, so one of them scrubs it.
 */
@Injectable()
export class StoredPayloadScrubber {
  constructor(
    private readonly events: EventsRepository,
    private readonly redactor: Redactor,
    @Inject(SWITCHYARD_CONFIG) private readonly config: SwitchyardConfig,
  ) {}

  get active(): boolean {
    return this.redactor.enabled && this.config.redaction.stored;
  }

  /** Locks the events, so concurrent completions of one event take turns; first in the transaction. */
  lock(eventIds: string[]): Prisma.PrismaPromise<unknown> {
    return this.events.lockEvents(eventIds);
  }

  /** Scrubs those of the events that are finished; last in the transaction. */
  scrub(eventIds: string[]): Prisma.PrismaPromise<number> {
    return this.events.redactFinished(eventIds, this.redactor.sqlPaths());
  }
}
