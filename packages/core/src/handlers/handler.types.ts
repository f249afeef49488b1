import type { LoggerService } from '@nestjs/common';

/** An accepted event as a handler sees it. */
export interface DomainEvent<TData = unknown> {
  id: string;
  type: string;
  source: string;
  subject: string | null;
  /** The producer's timestamp (CloudEvents `time`), if it gave one. */
  time: string | null;
  data: TData;
  receivedAt: string;
  /** The root event's id, or the one its producer gave: shared by every event of one tree. */
  correlationId: string;
  /** The event whose handler emitted this one (ctx.emit); null for events from producers. */
  causationId: string | null;
}

/** Per-emission overrides; the emitted event's routes give the rest. */
export interface EmitOptions {
  subject?: string;
  /** Overrides the handlers' priority for this event's jobs, as a producer's `priority` does. */
  priority?: number;
  /** Delays this event's jobs (ms), as a producer's `delay` does. */
  delay?: number;
}

/** The event an emit wrote, and the jobs it fanned out to. */
export interface EmittedEvent {
  eventId: string;
  type: string;
  jobIds: string[];
}

/** What `ctx.once()` resolves to: the effects' value when they ran, `applied: false` when an earlier run had committed them. */
export type OnceResult<T> = { applied: true; value: T } | { applied: false };

/**
 * What a handler gets beside the event, for one attempt of one job. `TTx` is
 * the transaction handle `once()` gives the effects: the team's own data-access
 * library's (a Prisma transaction client, a `pg` client, …), set by the
 * transactions adapter the app gives `SwitchyardModule.forRoot`.
 */
export interface HandlerContext<TTx = unknown> {
  readonly eventId: string;
  readonly handler: string;
  readonly queue: string;
  readonly jobId: string;
  /** 1 on the first attempt. */
  readonly attempt: number;
  readonly maxAttempts: number;
  /**
   * Stable across retries and redrives of this event for this handler: send
   * it to external APIs that deduplicate on it (a webhook receiver, a third-party API's idempotency key).
   */
  readonly idempotencyKey: string;
  readonly logger: LoggerService;
  /** Why this job runs: the event's fan-out, a dead-letter redrive, or a replay operation. */
  readonly delivery: { kind: 'fanout' | 'redrive' | 'replay'; operationId: string | null };
  /**
   * The idempotency guard. Runs `effects` in a Postgres transaction that also
   * records this handler's processed key for the event; if the key is already
   * recorded (an earlier run committed), `effects` does not run. Put every
   * database write of the handler inside, so a re-run applies nothing twice.
   * `step` separates several guarded steps of one handler.
   */
  once<T>(effects: (tx: TTx) => Promise<T>, options?: { step?: string }): Promise<OnceResult<T>>;
  /** The event's correlation id (shared by its whole tree). */
  readonly correlationId: string;
  /**
   * Emits a follow-up event: validated against the event catalog like an
   * ingested one (an unknown type or invalid data throws a NonRetryableError),
   * stored with its fan-out jobs, and published once stored. Its causationId
   * is this event, its correlationId this event's.
   *
   * Awaited inside a `once()` callback it joins that transaction: the event
   * commits with the handler's effects or not at all. Outside `once()` it is a
   * guarded step of its own (keyed by the type and the count of earlier
   * emits of that type in this run), so a re-run does not emit it twice.
   * Emitted ids are deterministic, so a re-run that does reach the insert
   * (a `reapply` replay aside) finds the row and writes nothing.
   */
  emit(type: string, data: unknown, options?: EmitOptions): Promise<EmittedEvent>;
}

/** A handler class: one `handle()` per event, decorated with `@EventHandler`. */
export interface Handler<TData = unknown> {
  handle(event: DomainEvent<TData>, ctx: HandlerContext): Promise<unknown>;
}

/**
 * Throw this (or mark any error with `nonRetryable()`) when retrying cannot
 * help: a refused request, an unknown id. The job goes to the dead letters at
 * once instead of using up its attempts.
 */
export class NonRetryableError extends Error {
  override readonly name: string = 'NonRetryableError';
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}

const NON_RETRYABLE = Symbol.for('switchyard.nonRetryable');

/** Marks an existing error (a library's, say) as not worth retrying, and returns it. */
export function nonRetryable<E extends Error>(error: E): E {
  (error as E & { [NON_RETRYABLE]?: boolean })[NON_RETRYABLE] = true;
  return error;
}

/** Whether `error` skips the remaining attempts: a NonRetryableError, or an error marked with `nonRetryable()`. */
export function isNonRetryable(error: unknown): boolean {
  return (
    error instanceof NonRetryableError ||
    (error instanceof Error && (error as Error & { [NON_RETRYABLE]?: boolean })[NON_RETRYABLE] === true)
  );
}
