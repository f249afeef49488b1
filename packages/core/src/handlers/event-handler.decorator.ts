import { applyDecorators, Injectable, SetMetadata } from '@nestjs/common';
import { type DeliveryMode, PLATFORM_EVENT_PREFIX, PLATFORM_EVENT_TYPES, type SubscriptionFilter } from '../contracts/index.js';
import { subscriptionFilterErrors } from '../routing/subscription-filter.js';
import { compileTopicPattern, topicPatternError } from '../routing/topic-pattern.js';
import type { DomainEvent } from './handler.types.js';
import { type OrderingKeyPath, orderingPathError, readOrderingPath } from './ordering-path.js';

/** How long a failed job waits before its next attempt. */
export interface BackoffPolicy {
  type: 'exponential' | 'fixed';
  /** Base delay in ms: attempt n waits delay × 2^(n-1) (exponential) or delay (fixed). */
  delay: number;
  /** 0..1: the share of each wait that is randomised, so retries do not stampede. */
  jitter: number;
}

/** A queue's rate limit, shared by every worker of the queue. */
export interface RateLimit {
  /** At most `max` jobs per `duration` ms, across every worker of the queue. */
  max: number;
  duration: number;
}

/** `TData` types the event `orderingKey` receives: `@EventHandler<UserChanged>({ …, orderingKey: (e) => e.data.userId })`. */
export interface EventHandlerOptions<TData = unknown> {
  /** Unique across the deployment; jobs and dead letters are named after it. */
  name: string;
  /** Event types or patterns (`user.*`, `user.#`, `#`) this handler runs for. */
  on: string | string[];
  /** The BullMQ queue its jobs go to. Handlers may share a queue. */
  queue: string;
  /** Total attempts, first included. Default 3. */
  attempts?: number;
  /** Default: exponential from 1 s with 50 % jitter. */
  backoff?: Partial<BackoffPolicy>;
  /** BullMQ priority within the queue: 1 runs first; unset runs before any prioritised job. */
  priority?: number;
  /** Default delay in ms before a job may run. Producers may override per event. */
  delay?: number;
  /** Jobs of this queue run at once per worker process. Queue-wide: handlers sharing a queue must agree. */
  concurrency?: number;
  /** Queue-wide rate limit. Handlers sharing a queue must agree. */
  rateLimit?: RateLimit;
  /**
   * When an operator replays events: `skip-applied` (default) lets the
   * idempotency guard skip effects already committed for the event;
   * `reapply` gives each replay operation its own guard key, so `ctx.once()`
   * effects run again once per replay (for projections and read models).
   */
  onReplay?: 'skip-applied' | 'reapply';
  /**
   * Beside the type pattern, what the event must hold for this handler to
   * get a job, SNS-filter-policy style: `{ 'data.total': { gte: 100000 } }`.
   * Evaluated at fan-out; a filtered-out handler gets no job.
   */
  filter?: SubscriptionFilter;
  /**
   * `at-least-once` (default): a job may run again after a crash; `ctx.once()`
   * keeps its effects single. `at-most-once`: one attempt, and a job that
   * started once is never started again (a crash or a stall sends it to the
   * dead letters instead), for effects where a duplicate is worse than a loss.
   */
  delivery?: DeliveryMode;
  /**
   * Ordering per key: jobs whose events give the same key run one at a time,
   * in the order the events were accepted; different keys run in parallel
   * up to the queue's concurrency. Give where the key is in the event
   * (`'data.customerId'`, `'subject'`: see OrderingKeyPath): the route
   * registry carries the path to the API, which computes the key at ingest
   * without this code. An absent value means that event needs no order; a
   * value that is not a string (or number) of 1–512 characters rejects the
   * event with a 422. A key made of several fields: have the producer put it
   * in the event (its `subject`, say).
   */
  orderingKey?: OrderingKeyPath<TData>;
  /**
   * With `orderingKey`: what a dead-lettered job does to its key. `proceed`
   * (default) lets the key's next job run; `block` holds the key until the
   * dead letter is retried and succeeds, or is discarded.
   */
  afterDeadLetter?: AfterDeadLetter;
}

/** What a dead-lettered job does to its ordering key: let the key's next job run, or hold the key until the dead letter is settled. */
export type AfterDeadLetter = 'proceed' | 'block';

/** How a handler orders its jobs: by the key at its path, and what a dead letter does to that key. */
export interface OrderingPolicy {
  /** The value at `path` in an event (undefined when absent). */
  key: (event: DomainEvent) => unknown;
  /** Where the key is read from (see OrderingKeyPath). */
  path: string;
  afterDeadLetter: AfterDeadLetter;
}

/** The options with defaults filled in, as the runner and the routing table use them. */
export interface HandlerDefinition {
  name: string;
  patterns: string[];
  queue: string;
  attempts: number;
  backoff: BackoffPolicy;
  priority: number | null;
  delay: number;
  concurrency: number | null;
  rateLimit: RateLimit | null;
  onReplay: 'skip-applied' | 'reapply';
  /** Null: the handler's jobs run in any order. */
  ordering: OrderingPolicy | null;
  filter: SubscriptionFilter | null;
  delivery: DeliveryMode;
}

export const EVENT_HANDLER_METADATA = 'switchyard:event-handler';

/** The largest `priority` a handler or producer may give: BullMQ's limit. */
export const MAX_PRIORITY = 2_097_152;

const NAME = /^[a-z0-9]+([._-][a-z0-9]+)*$/;
const QUEUE = /^[a-z0-9]+([_-][a-z0-9]+)*$/;

/**
 * Declares a class as the handler of one kind of job. The class must have a
 * `handle(event, ctx)` method; it is an ordinary Nest provider and can inject
 * anything. Listing it in a module's `providers` is all the registration
 * there is: the API routes events to it and the worker runs it.
 */
export function EventHandler<TData = unknown>(options: EventHandlerOptions<TData>): ClassDecorator {
  return applyDecorators(Injectable(), SetMetadata(EVENT_HANDLER_METADATA, defineHandler(options)));
}

/** Validates options and fills defaults; throws with the handler's name on any mistake. */
export function defineHandler<TData = unknown>(options: EventHandlerOptions<TData>): HandlerDefinition {
  const fail = (message: string): never => {
    throw new Error(`@EventHandler(${JSON.stringify(options.name)}): ${message}`);
  };
  if (!NAME.test(options.name ?? '')) fail('name must be lowercase words joined by ".", "-" or "_"');
  if (!QUEUE.test(options.queue ?? '')) fail('queue must be lowercase letters, digits, "-" or "_" (no dots or colons)');
  const patterns = [options.on].flat();
  if (patterns.length === 0) fail('`on` needs at least one event type or pattern');
  for (const pattern of patterns) {
    const problem = topicPatternError(pattern);
    if (problem) fail(`pattern "${pattern}" ${problem}`);
    if (pattern.startsWith(PLATFORM_EVENT_PREFIX) && !PLATFORM_EVENT_TYPES.some(compileTopicPattern(pattern))) {
      fail(`pattern "${pattern}" matches none of Switchyard's own events (${PLATFORM_EVENT_TYPES.join(', ')})`);
    }
  }
  const delivery = options.delivery ?? 'at-least-once';
  if (delivery !== 'at-least-once' && delivery !== 'at-most-once') fail('delivery must be "at-least-once" or "at-most-once"');
  if (delivery === 'at-most-once' && options.attempts !== undefined && options.attempts !== 1) {
    fail(`attempts is ${options.attempts} but delivery is "at-most-once", which never starts a job twice; leave attempts out (it is 1) or use "at-least-once"`);
  }
  const attempts = options.attempts ?? (delivery === 'at-most-once' ? 1 : 3);
  if (!Number.isInteger(attempts) || attempts < 1 || attempts > 1000) fail('attempts must be an integer from 1 to 1000');
  const backoff: BackoffPolicy = { type: 'exponential', delay: 1000, jitter: 0.5, ...options.backoff };
  if (!['exponential', 'fixed'].includes(backoff.type)) fail('backoff.type must be "exponential" or "fixed"');
  if (!(backoff.delay >= 0)) fail('backoff.delay must be ≥ 0 ms');
  if (!(backoff.jitter >= 0 && backoff.jitter <= 1)) fail('backoff.jitter must be between 0 and 1');
  const priority = options.priority ?? null;
  if (priority !== null && (!Number.isInteger(priority) || priority < 1 || priority > MAX_PRIORITY)) {
    fail(`priority must be an integer from 1 to ${MAX_PRIORITY}`);
  }
  const delay = options.delay ?? 0;
  if (!Number.isInteger(delay) || delay < 0) fail('delay must be an integer ≥ 0 ms');
  const concurrency = options.concurrency ?? null;
  if (concurrency !== null && (!Number.isInteger(concurrency) || concurrency < 1)) fail('concurrency must be an integer ≥ 1');
  const rateLimit = options.rateLimit ?? null;
  if (rateLimit && !(rateLimit.max >= 1 && rateLimit.duration >= 1)) fail('rateLimit needs max ≥ 1 and duration ≥ 1 ms');
  const onReplay = options.onReplay ?? 'skip-applied';
  if (onReplay !== 'skip-applied' && onReplay !== 'reapply') fail('onReplay must be "skip-applied" or "reapply"');
  const filter = options.filter ?? null;
  if (filter !== null) {
    const problems = subscriptionFilterErrors(filter);
    if (problems.length) fail(problems.join('; '));
  }
  if (typeof options.orderingKey === 'string') {
    const problem = orderingPathError(options.orderingKey);
    if (problem) fail(`orderingKey "${options.orderingKey}" ${problem}`);
  } else if (typeof options.orderingKey === 'function') {
    fail('orderingKey must be a path into the event ("data.userId"), not a function: the API computes keys without the handler\'s code');
  } else if (options.orderingKey !== undefined) {
    fail('orderingKey must be a path into the event ("data.userId")');
  }
  if (options.afterDeadLetter !== undefined) {
    if (!options.orderingKey) fail('afterDeadLetter needs an orderingKey: it says what a dead letter does to its key');
    if (options.afterDeadLetter !== 'proceed' && options.afterDeadLetter !== 'block') fail('afterDeadLetter must be "proceed" or "block"');
  }
  const orderingKey = options.orderingKey;
  const afterDeadLetter = options.afterDeadLetter ?? 'proceed';
  const ordering: OrderingPolicy | null =
    typeof orderingKey === 'string' ? { key: (event) => readOrderingPath(orderingKey, event), path: orderingKey, afterDeadLetter } : null;
  return { name: options.name, patterns, queue: options.queue, attempts, backoff, priority, delay, concurrency, rateLimit, onReplay, filter, delivery, ordering };
}
