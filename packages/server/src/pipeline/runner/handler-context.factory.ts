import { Injectable, Logger, type LoggerService, Optional } from '@nestjs/common';
import type { Job } from 'bullmq';
import { AsyncLocalStorage } from 'node:async_hooks';
import type { HandlerDefinition } from '@switchyard/core';
import { type DomainEvent, type EmitOptions, type EmittedEvent, type HandlerContext, NonRetryableError, type OnceResult, type SqlExecutor, type TransactionAdapter } from '@switchyard/core';
import { type EventCatalog, EventTypes } from '../events/event-catalog.js';
import type { OutboxEntry } from '../outbox/outbox-entry.js';
import type { JobPayload } from '../queues/job-payload.js';
import { Redactor } from '../../foundation/redaction/redactor.js';
import type { RoutingTable } from '../routing/routing-table.js';
import { FollowUpEmitter } from './follow-up-emitter.js';
import { HandlerDatabases } from './handler-databases.js';
import { IdempotencyGuard } from './idempotency-guard.js';

/** The guarded transaction an emit inside it joins. `owner` is the context, so another job's emit never joins. */
interface OnceScope {
  owner: object;
  /** Where the transaction runs: the handlers' database, or Switchyard's (an emit outside once()). */
  transactions: TransactionAdapter<unknown>;
  sql: SqlExecutor;
  guardKey: string;
  /** Emits so far in this transaction: part of each emitted event's id. */
  sequence: number;
  /** Jobs of the events emitted in it, published after commit. */
  emitted: OutboxEntry[];
}

const onceScopes = new AsyncLocalStorage<OnceScope>();

/** Builds the context a handler gets for one attempt of one job. */
@Injectable()
export class HandlerContextFactory {
  constructor(
    private readonly guard: IdempotencyGuard,
    private readonly databases: HandlerDatabases,
    @Optional() private readonly redactor?: Redactor,
    @Optional() private readonly emitter?: FollowUpEmitter,
  ) {}

  create(
    job: Pick<Job<JobPayload>, 'id' | 'name' | 'queueName' | 'attemptsMade' | 'opts' | 'data'>,
    definition?: Pick<HandlerDefinition, 'onReplay'>,
  ): HandlerContext<unknown> {
    const event = job.data.event;
    const eventId = event.id;
    const handler = job.name;
    const { guard, databases, redactor, emitter } = this;
    const delivery = { kind: job.data.delivery?.kind ?? 'fanout', operationId: job.data.delivery?.operationId ?? null } as const;
    // A handler that reapplies on replay gets a guard key of its own per replay operation.
    const scope = delivery.kind === 'replay' && definition?.onReplay === 'reapply' ? `${eventId}:replay:${delivery.operationId}` : eventId;
    const owner = {};
    const guardKey = (step?: string) => (step ? `${scope}:${step}` : scope);
    // Stable across re-runs of the same code path: the guard key and the emit's place in it.
    const seed = (key: string, sequence: number) => `${handler}|${key}|${sequence}`;
    let emittedOutsideOnce: Map<string, number> | undefined; // most handlers never emit outside once()

    /** `effects` under the guard `key`, in one transaction of `transactions`; emits inside join it. */
    const guarded = async <T>(transactions: TransactionAdapter<unknown>, key: string, effects: (tx: unknown) => Promise<T>): Promise<OnceResult<T>> => {
      let emitted: OutboxEntry[] = [];
      const result = await guard.once(transactions, handler, key, async (tx, sql) => {
        const onceScope: OnceScope = { owner, transactions, sql, guardKey: key, sequence: 0, emitted: [] };
        const value = await onceScopes.run(onceScope, () => effects(tx));
        emitted = onceScope.emitted;
        return value;
      });
      // Committed: hand the emitted events' jobs to BullMQ (the relay covers a failure or a crash here).
      if (emitted.length && emitter) await emitter.publish(emitted);
      return result;
    };

    const once = <T>(effects: (tx: unknown) => Promise<T>, options?: { step?: string }): Promise<OnceResult<T>> =>
      guarded(databases.handlers, guardKey(options?.step), effects);

    const emit = async (type: string, data: unknown, options?: EmitOptions): Promise<EmittedEvent> => {
      if (!emitter) throw new Error(`ctx.emit is not available in this context (handler ${handler}): no FollowUpEmitter was provided`);
      const inside = onceScopes.getStore();
      if (inside?.owner === owner) {
        // Switchyard's rows can join only a transaction on Switchyard's database.
        if (inside.transactions !== databases.switchyard && !(await databases.shared())) throw emitInsideOnceRefused(handler, type);
        const planned = await emitter.prepare(event, handler, seed(inside.guardKey, inside.sequence++), type, data, options);
        inside.emitted.push(...(await emitter.store(inside.sql, [planned])));
        return { eventId: planned.eventId, type, jobIds: planned.jobs.map((entry) => entry.jobId) };
      }
      // Outside once(): a guarded step of its own on Switchyard's database, named by the type and how many of it this run emitted.
      emittedOutsideOnce ??= new Map();
      const count = (emittedOutsideOnce.get(type) ?? 0) + 1;
      emittedOutsideOnce.set(type, count);
      const step = `emit:${type}:${count}`;
      const planned = await emitter.prepare(event, handler, seed(guardKey(step), 0), type, data, options);
      await guarded(databases.switchyard, guardKey(step), () => emit(type, data, options));
      return { eventId: planned.eventId, type, jobIds: planned.jobs.map((entry) => entry.jobId) };
    };

    const jobId = job.id ?? '';
    const makeLogger = () => jobLogger(handler, jobId, (text) => redactor?.maskText(text, event) ?? text);
    return new JobHandlerContext(
      eventId,
      event.correlationId ?? eventId,
      handler,
      job.queueName,
      jobId,
      job.attemptsMade + 1,
      job.opts.attempts ?? 1,
      delivery,
      once,
      emit,
      makeLogger,
    );
  }
}

/**
 * One attempt's context. A class rather than an object literal: a literal
 * with a `get logger()` gets a hidden class of its own for every job (its
 * getter is a new closure each time), which cost about a microsecond and
 * old-space garbage per job in the drain.
 */
class JobHandlerContext implements HandlerContext<unknown> {
  readonly idempotencyKey: string;
  #logger: LoggerService | undefined;

  constructor(
    readonly eventId: string,
    readonly correlationId: string,
    readonly handler: string,
    readonly queue: string,
    readonly jobId: string,
    readonly attempt: number,
    readonly maxAttempts: number,
    readonly delivery: HandlerContext['delivery'],
    // Own properties, not methods: a handler may pass them on detached.
    readonly once: HandlerContext['once'],
    readonly emit: HandlerContext['emit'],
    private readonly makeLogger: () => LoggerService,
  ) {
    this.idempotencyKey = `${eventId}.${handler}`;
  }

  /** Built on first use: most handlers never log. */
  get logger(): LoggerService {
    return (this.#logger ??= this.makeLogger());
  }
}

/** An emit inside once() when the handlers' database is not Switchyard's: it cannot commit with the effects. */
function emitInsideOnceRefused(handler: string, type: string): NonRetryableError {
  return new NonRetryableError(
    `ctx.emit(${JSON.stringify(type)}) in handler ${handler} was called inside ctx.once(), whose transaction is on the handlers' own database, ` +
      "not Switchyard's: the event cannot commit with the effects there. Call ctx.emit after ctx.once() returns, outside it: " +
      'it is then guarded on its own, so a re-run emits it once (docs/handlers.md, "Handlers on your own database").',
  );
}

/** A handler's logger: lines tagged with the job, REDACT_PATHS values masked (`mask`). */
function jobLogger(handler: string, jobId: string, mask: (text: string) => string): LoggerService {
  const logger = new Logger(handler);
  const tag = (message: unknown) => mask(`[${jobId}] ${typeof message === 'string' ? message : JSON.stringify(message)}`);
  return {
    log: (message) => logger.log(tag(message)),
    warn: (message) => logger.warn(tag(message)),
    error: (message, stack?: string) => logger.error(tag(message), stack === undefined ? stack : mask(stack)),
    debug: (message) => logger.debug(tag(message)),
    verbose: (message) => logger.verbose(tag(message)),
  };
}

/**
 * A real HandlerContext outside a worker, for testing a handler on its own:
 * its `once()` runs in a transaction of `transactions` (the adapter the app
 * gives its worker), and emitted events are stored without jobs (no routing
 * here) in Switchyard's database: `switchyard`, by default the same adapter
 * (the test database holds both). `await handler.handle(event,
 * createHandlerContext(prismaTransactions(prisma), { handler: 'report.render', event, events }))`.
 */
export function createHandlerContext<TTx>(
  transactions: TransactionAdapter<TTx>,
  options: {
    handler: string;
    event: DomainEvent;
    queue?: string;
    attempt?: number;
    maxAttempts?: number;
    /** The catalog ctx.emit validates against; without it every emit fails as an unknown type. */
    events?: EventCatalog;
    /** Switchyard's own database, when `transactions` opens them on another one. */
    switchyard?: TransactionAdapter<unknown>;
  },
): HandlerContext<TTx> {
  const noRoutes = { routesFor: () => [], routesForEvent: () => [] } as unknown as RoutingTable;
  const emitter = new FollowUpEmitter(noRoutes, new EventTypes(options.events ?? {}));
  const databases = new HandlerDatabases(transactions, options.switchyard ?? transactions);
  return new HandlerContextFactory(new IdempotencyGuard(), databases, undefined, emitter).create({
    id: `${options.event.id}.${options.handler}`,
    name: options.handler,
    queueName: options.queue ?? 'test',
    attemptsMade: (options.attempt ?? 1) - 1,
    opts: { attempts: options.maxAttempts ?? 1 },
    data: { event: options.event },
  }) as HandlerContext<TTx>;
}
