import type { FieldError, Problem } from './answers.js';

/** Where a failed request went and how often the client tried it. */
export interface FailureContext {
  url: string;
  attempts: number;
  /**
   * The idempotency key the request carried (given or generated). The
   * event sent again under this key is deduplicated against every attempt
   * made so far. Absent when an `id` given without a
   * key deduplicates the event (resend it with the same id), and for
   * batches, whose keys are per event.
   */
  idempotencyKey?: string;
}

/**
 * The API answered with an error: the RFC 9457 problem it sent, with its
 * status, type, title, detail and field errors at hand. Thrown at once for
 * answers not worth retrying (4xx but 429, 500), or once retries of 429, 502,
 * 503 and 504 are spent.
 */
export class SwitchyardError extends Error {
  override readonly name = 'SwitchyardError';
  readonly status: number;
  /** The problem type URI, such as `urn:switchyard:problem:invalid-event`; `about:blank` when the answer was not problem+json. */
  readonly type: string;
  readonly title: string;
  readonly detail: string | undefined;
  /** The fields that were wrong; empty when the problem names none. */
  readonly errors: readonly FieldError[];
  /** How long the API asked the client to wait before trying again (Retry-After), in ms. */
  readonly retryAfterMs: number | undefined;
  readonly url: string;
  readonly attempts: number;
  readonly idempotencyKey: string | undefined;

  constructor(
    /** The whole problem, extensions included (`knownTypes`, `eventId`, `limit`, …). */
    readonly problem: Problem,
    context: FailureContext & { retryAfterMs?: number },
  ) {
    const tries = context.attempts > 1 ? ` (gave up after ${context.attempts} attempts)` : '';
    super(`${problem.title} (${problem.status})${problem.detail ? `: ${problem.detail}` : ''}${tries}`);
    this.status = problem.status;
    this.type = problem.type;
    this.title = problem.title;
    this.detail = problem.detail;
    this.errors = problem.errors ?? [];
    this.retryAfterMs = context.retryAfterMs;
    this.url = context.url;
    this.attempts = context.attempts;
    this.idempotencyKey = context.idempotencyKey;
  }
}

/**
 * No answer came back: the connection failed, or the API did not answer
 * within `timeoutMs`, on every attempt. The event may or may not have been
 * stored; sending it again with the same idempotency key is safe.
 */
export class SwitchyardNetworkError extends Error {
  override readonly name = 'SwitchyardNetworkError';
  readonly url: string;
  readonly attempts: number;
  readonly idempotencyKey: string | undefined;
  /** True when the last attempt ran out of time rather than failing to connect. */
  readonly timedOut: boolean;

  constructor(context: FailureContext & { timedOut: boolean; timeoutMs: number; cause: unknown }) {
    const why = context.timedOut ? `no answer within ${context.timeoutMs} ms` : describeCause(context.cause);
    super(`Could not reach ${context.url}: ${why}${context.attempts > 1 ? ` (gave up after ${context.attempts} attempts)` : ''}`, {
      cause: context.cause,
    });
    this.url = context.url;
    this.attempts = context.attempts;
    this.idempotencyKey = context.idempotencyKey;
    this.timedOut = context.timedOut;
  }
}

/** Node's fetch says only "fetch failed"; the reason (ECONNREFUSED, …) is on its cause. */
function describeCause(cause: unknown): string {
  if (!(cause instanceof Error)) return String(cause);
  const inner = cause.cause;
  if (inner instanceof Error) {
    const code = (inner as { code?: unknown }).code;
    return `${cause.message} (${typeof code === 'string' ? `${code}: ` : ''}${inner.message})`;
  }
  return cause.message;
}
