import { Injectable, Logger } from '@nestjs/common';
import { type DeadLetterTransition, isPlatformEventType, JOB_DEAD_LETTERED, JOB_DISCARDED, JOB_RESOLVED, type PlatformEventType } from '@switchyard/core/contracts';
import { executorOf, type TransactionClient } from '../../db/index.js';
import { type DeadLetterTransitionRecord, DeadLettersRepository } from '../../foundation/repositories/dead-letters.repository.js';
import { v5 as uuidv5 } from 'uuid';
import type { IncomingEvent } from '../events/incoming-event.js';
import { storeEmitted } from '../events/emitted-events.js';
import { planEvent } from '../events/event-plan.js';
import type { EventToStore } from '../events/event-store.js';
import type { OutboxEntry } from '../outbox/outbox-entry.js';
import { RoutingTable } from '../routing/routing-table.js';

/** The namespace of dead-letter event ids (uuid v5 of the transition): any fixed uuid, never to change. */
const TRANSITION_EVENT_NAMESPACE = '8d0f5b1c-3e6a-5f2d-9c47-b1e2a3d4c5f6';
const SOURCE = 'urn:switchyard:dead-letters';

/**
 * Failure is an event too: each dead-letter transition that matters to a
 * saga becomes a platform event (`switchyard.job.dead_lettered`,
 * `.discarded`, `.resolved`), written with its outbox rows in the very
 * transaction that records the transition, so the event exists exactly when
 * the transition committed. It is routed like any other event, content
 * filters included (`{ 'data.handler': 'report.render' }`).
 *
 * Its id derives from the transition's row, so each transition is announced
 * once. A dead letter of a job that itself handled a platform event is not
 * announced: a failing compensation must not feed itself.
 */
@Injectable()
export class DeadLetterEvents {
  private readonly logger = new Logger(DeadLetterEvents.name);

  constructor(
    private readonly routing: RoutingTable,
    private readonly deadLetters: DeadLettersRepository,
  ) {}

  /**
   * Announces the transitions recorded as `actionIds` (dead_letter_actions
   * rows written in `tx`); returns the jobs to publish once `tx` commits.
   * A row that is no announced transition (a retry, or a stalled re-run
   * failing again while the dead letter is still open) is skipped.
   */
  async announce(tx: TransactionClient, actionIds: Array<bigint | string>): Promise<OutboxEntry[]> {
    if (actionIds.length === 0) return [];
    const transitions = await this.deadLetters.transitions(tx, actionIds);
    const events = transitions.flatMap((transition) => {
      const type = announcedType(transition);
      if (type === null || isPlatformEventType(transition.payload.type)) return [];
      return [this.plan(type, transition)];
    });
    return storeEmitted(executorOf(tx), events);
  }

  private plan(type: PlatformEventType, transition: DeadLetterTransitionRecord): EventToStore {
    const failed = transition.payload;
    const data: DeadLetterTransition = {
      deadLetterId: transition.deadLetterId,
      sequence: Number(transition.actionId),
      handler: transition.handler,
      queue: transition.queue,
      jobId: transition.jobId ?? transition.deadJobId,
      status: transition.status,
      attemptsMade: transition.attemptsMade,
      redrives: transition.redrives,
      error: { name: transition.errorName, message: transition.errorMessage },
      event: {
        id: failed.id,
        type: failed.type,
        source: failed.source,
        subject: failed.subject,
        correlationId: failed.correlationId ?? failed.id,
        data: failed.data,
      },
      actor: transition.actor,
      reason: transition.reason,
    };
    const incoming: IncomingEvent = {
      format: 'json',
      type,
      source: SOURCE,
      sourceEventId: null,
      subject: failed.subject,
      time: null,
      dataContentType: null,
      data,
      extensions: null,
      correlationId: data.event.correlationId,
      priority: null,
      delayMs: null,
      deliverAt: null,
      idempotencyKey: null,
      requestHash: '',
    };
    const planned = planEvent(incoming, this.routing.routesForEvent(incoming), {
      eventId: uuidv5(`dead-letter-action:${transition.actionId}`, TRANSITION_EVENT_NAMESPACE),
      causality: { correlationId: data.event.correlationId, causationId: failed.id },
      // Every other subscriber must still hear of the failure: a handler whose
      // orderingKey cannot key this event alone goes without, loudly.
      onUnkeyable: (route, reason) => this.logger.error(`${type} for dead letter ${transition.deadLetterId} skips handler ${route.name}: ${reason}`),
    });
    if (!planned.ok) throw new Error(`${type} for dead letter ${transition.deadLetterId} could not be planned: ${planned.problem.detail}`);
    return planned.store;
  }
}

/** The platform event a transition announces, or null when it announces none. */
function announcedType(transition: DeadLetterTransitionRecord): PlatformEventType | null {
  switch (transition.action) {
    case 'dead-lettered':
      return JOB_DEAD_LETTERED;
    case 'failed-again':
      // A redrive that failed again reopens the dead letter: news. A re-run of
      // a job whose dead letter is still open (a crash right after writing it)
      // is the same failure recorded twice: not news.
      return transition.fromStatus === 'open' ? null : JOB_DEAD_LETTERED;
    case 'discard':
      return JOB_DISCARDED;
    case 'resolved':
      return JOB_RESOLVED;
    default:
      return null;
  }
}
