import { Module } from '@nestjs/common';
import { IngestRateLimiter } from '../../foundation/auth/ingest-rate-limiter.js';
import { OutboxRelay } from '../outbox/outbox-relay.js';
import { OutboxModule } from '../outbox/outbox.module.js';
import { EventStore } from '../events/event-store.js';
import { GroupCommit } from './group-commit.js';
import { IdempotencyKeySweeper } from './idempotency-key-sweeper.js';
import { IngestService } from './ingest.service.js';

/** Accepting events: validation, the transactional store, the outbox and its relay. */
@Module({
  imports: [OutboxModule],
  providers: [IngestService, IngestRateLimiter, EventStore, GroupCommit, OutboxRelay, IdempotencyKeySweeper],
  exports: [IngestService, OutboxRelay, OutboxModule, IdempotencyKeySweeper],
})
export class IngestModule {}
