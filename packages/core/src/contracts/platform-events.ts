import { z } from 'zod';

/**
 * Event types under this prefix are Switchyard's own: handlers subscribe to
 * them, producers and `ctx.emit` cannot send them, and a team's catalog
 * cannot declare them.
 */
export const PLATFORM_EVENT_PREFIX = 'switchyard.';

/** A job failed for good: its dead letter was written (or a redriven job failed again). */
export const JOB_DEAD_LETTERED = 'switchyard.job.dead_lettered';
/** An operator discarded a dead letter: the step is given up. */
export const JOB_DISCARDED = 'switchyard.job.discarded';
/** A dead letter's job finally succeeded (a retry by an operator, or a re-run). */
export const JOB_RESOLVED = 'switchyard.job.resolved';

/** Every event type Switchyard emits itself, which handlers may subscribe to. */
export const PLATFORM_EVENT_TYPES = [JOB_DEAD_LETTERED, JOB_DISCARDED, JOB_RESOLVED] as const;
/** One of Switchyard's own event types. */
export type PlatformEventType = (typeof PLATFORM_EVENT_TYPES)[number];

/** Whether `type` is under Switchyard's prefix (`switchyard.`), which only Switchyard may emit. */
export function isPlatformEventType(type: string): boolean {
  return type.startsWith(PLATFORM_EVENT_PREFIX);
}

const deadLetterTransition = z.object({
  deadLetterId: z.uuid(),
  /**
   * Grows with every transition of this dead letter (dead-lettered,
   * discarded, resolved, dead-lettered again). Handlers may see the events
   * of one dead letter out of order: keep the highest sequence applied and
   * ignore an event with a lower one.
   */
  sequence: z.int().positive(),
  handler: z.string(),
  queue: z.string(),
  /** The job this transition is about: the original job, or the redrive that failed or succeeded. */
  jobId: z.string(),
  /** The dead letter's status after this transition. */
  status: z.enum(['open', 'discarded', 'resolved']),
  attemptsMade: z.int().nonnegative(),
  redrives: z.int().nonnegative(),
  /** The last failure recorded (for `resolved`, the one the success cleared). */
  error: z.object({ name: z.string(), message: z.string() }),
  /** The event whose job failed, as stored in the dead letter (REDACT_PATHS masked). */
  event: z.object({
    id: z.uuid(),
    type: z.string(),
    source: z.string(),
    subject: z.string().nullable(),
    correlationId: z.string(),
    data: z.unknown(),
  }),
  /** `system`, or the operator who discarded it. */
  actor: z.string(),
  /** The operator's reason for a discard; null otherwise. */
  reason: z.string().nullable(),
});

/**
 * The data of Switchyard's dead-letter events, typed by the failed event's
 * data: `Handler<DeadLetterTransition<UserCreated>>`.
 */
export type DeadLetterTransition<TData = unknown> = Omit<z.infer<typeof deadLetterTransition>, 'event'> & {
  event: Omit<z.infer<typeof deadLetterTransition>['event'], 'data'> & { data: TData };
};

/** The platform's own event types with their data schemas: routed like any event, never accepted from producers. */
export const platformEvents = {
  [JOB_DEAD_LETTERED]: deadLetterTransition,
  [JOB_DISCARDED]: deadLetterTransition,
  [JOB_RESOLVED]: deadLetterTransition,
} as const;
