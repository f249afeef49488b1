import { Injectable, Logger, type LoggerService, Optional } from '@nestjs/common';
import type { Job } from 'bullmq';
import type { PrismaService } from '@switchyard/db';
import type { HandlerDefinition } from '../handlers/event-handler.decorator.js';
import type { DomainEvent, HandlerContext } from '../handlers/handler.types.js';
import type { JobPayload } from '../outbox/outbox-entry.js';
import { Redactor } from '../redaction/redactor.js';
import { IdempotencyGuard } from './idempotency-guard.js';

/** Builds the context a handler gets for one attempt of one job. */
@Injectable()
export class HandlerContextFactory {
  constructor(
    private readonly guard: IdempotencyGuard,
    @Optional() private readonly redactor?: Redactor,
  ) {}

  create(
    job: Pick<Job<JobPayload>, 'id' | 'name' | 'queueName' | 'attemptsMade' | 'opts' | 'data'>,
    definition?: Pick<HandlerDefinition, 'onReplay'>,
  ): HandlerContext {
    const eventId = job.data.event.id;
    const handler = job.name;
    const guard = this.guard;
    const redactor = this.redactor;
    let logger: LoggerService | undefined;
    const delivery = { kind: job.data.delivery?.kind ?? 'fanout', operationId: job.data.delivery?.operationId ?? null } as const;
    // A handler that reapplies on replay gets a guard key of its own per replay operation.
    const scope = delivery.kind === 'replay' && definition?.onReplay === 'reapply' ? `${eventId}:replay:${delivery.operationId}` : eventId;
    return {
      eventId,
      handler,
      queue: job.queueName,
      jobId: job.id ?? '',
      attempt: job.attemptsMade + 1,
      maxAttempts: job.opts.attempts ?? 1,
      idempotencyKey: `${eventId}.${handler}`,
      get logger() {
        // Built on first use: most handlers never log, and this runs for every job.
        return (logger ??= jobLogger(handler, job.id ?? '', (text) => redactor?.maskText(text, job.data.event) ?? text));
      },
      delivery,
      once: (effects, options) => guard.once(handler, options?.step ? `${scope}:${options.step}` : scope, effects),
    };
  }
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
 * A real HandlerContext outside a worker (its `once()` writes to the given
 * database), for testing a handler on its own: `await handler.handle(event,
 * createHandlerContext(prisma, { handler: 'inventory.reserve', event }))`.
 */
export function createHandlerContext(
  prisma: PrismaService,
  options: { handler: string; event: DomainEvent; queue?: string; attempt?: number; maxAttempts?: number },
): HandlerContext {
  return new HandlerContextFactory(new IdempotencyGuard(prisma)).create({
    id: `${options.event.id}.${options.handler}`,
    name: options.handler,
    queueName: options.queue ?? 'test',
    attemptsMade: (options.attempt ?? 1) - 1,
    opts: { attempts: options.maxAttempts ?? 1 },
    data: { event: options.event },
  });
}
