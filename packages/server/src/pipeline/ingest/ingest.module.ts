import { Module } from '@nestjs/common';
import { IngestRateLimiter } from '../../foundation/auth/ingest-rate-limiter.js';
import { EventQueryService } from '../../surfaces/api/events/event-query.service.js';
import { EventTreeService } from '../../surfaces/api/events/event-tree.service.js';
import { OutboxRelay } from '../outbox/outbox-relay.js';
import { OutboxModule } from '../outbox/outbox.module.js';
import { EventStore } from '../events/event-store.js';
import { GroupCommit } from './group-commit.js';
import { IdempotencyKeySweeper } from './idempotency-key-sweeper.js';
import { IngestService } from './ingest.service.js';

/** Accepting events: validation, the transactional store, the outbox and its relay. */
@Module({
  imports: [OutboxModule],
  providers: [IngestService, IngestRateLimiter, EventStore, GroupCommit, OutboxRelay, EventQueryService, EventTreeService, IdempotencyKeySweeper],
  exports: [IngestService, EventQueryService, EventTreeService, OutboxRelay, OutboxModule, IdempotencyKeySweeper],
})
export class IngestModule {}
