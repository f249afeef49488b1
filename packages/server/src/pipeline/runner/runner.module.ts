import { Module } from '@nestjs/common';
import { pgTransactions } from '@switchyard/core/pg';
import type { TransactionAdapter } from '@switchyard/core';
import { PgPool } from '../../db/index.js';
import { DeadLetterEvents } from '../dead-letters/dead-letter-events.js';
import { JobStatsRecorder } from '../../foundation/metrics/job-stats.recorder.js';
import { OrderingKeys } from '../ordering/ordering-keys.service.js';
import { OutboxModule } from '../outbox/outbox.module.js';
import { HANDLER_TRANSACTIONS } from '../handlers/handler-transactions.js';
import { StoredPayloadScrubber } from '../../foundation/redaction/stored-payload-scrubber.js';
import { CrashQuarantine } from './crash-quarantine.js';
import { DeadLetterResolver } from './dead-letter-resolver.js';
import { FailureRecorder } from './failure-recorder.js';
import { FollowUpEmitter } from './follow-up-emitter.js';
import { HandlerContextFactory } from './handler-context.factory.js';
import { HandlerDatabases } from './handler-databases.js';
import { HandlerRunner } from './handler-runner.js';
import { IdempotencyGuard } from './idempotency-guard.js';
import { JobProcessor } from './job-processor.js';
import { OutcomeRecorder } from './outcome-recorder.js';
import { StartClaim } from './start-claim.js';
import { WorkerReadiness } from './worker-readiness.js';
import { RouteRegistrar } from '../routing/route-registrar.js';

/**
 * Running handlers: a BullMQ Worker per queue, the idempotency guard (on
 * the handlers' database: HandlerDatabases),
 * at-most-once start claims, failure and outcome records, and ctx.emit. The
 * outbox publisher serves both ordered handlers (a worker publishes the next
 * job of a key whose head it finished) and emits; workers run no relay: the
 * API's relay publishes what a worker left unpublished.
 */
@Module({
  imports: [OutboxModule],
  providers: [
    HandlerRunner, CrashQuarantine, JobProcessor, HandlerContextFactory, IdempotencyGuard, FailureRecorder, OutcomeRecorder,
    JobStatsRecorder, StoredPayloadScrubber, StartClaim, OrderingKeys, FollowUpEmitter, WorkerReadiness, DeadLetterEvents, DeadLetterResolver, RouteRegistrar,
    {
      // Switchyard's own transactions run on its hot-path pool; they are the handlers' too unless the app gave an adapter.
      provide: HandlerDatabases,
      useFactory: (handlers: TransactionAdapter<unknown> | null, pg: PgPool) => {
        const switchyard = pgTransactions(pg.pool);
        return new HandlerDatabases(handlers ?? switchyard, switchyard);
      },
      inject: [HANDLER_TRANSACTIONS, PgPool],
    },
  ],
  exports: [HandlerContextFactory, JobProcessor, WorkerReadiness],
})
export class RunnerModule {}
