import { Module } from '@nestjs/common';
import { IngestRateLimiter } from '../auth/ingest-rate-limiter.js';
import { EventQueryService } from '../events/event-query.service.js';
import { EventTreeService } from '../events/event-tree.service.js';
import { OutboxPublisher } from '../outbox/outbox-publisher.js';
import { OutboxRelay } from '../outbox/outbox-relay.js';
import { OutboxSignal } from '../outbox/outbox-signal.js';
import { PublishMarks } from '../outbox/publish-marks.js';
import { EventStore } from './event-store.js';
import { GroupCommit } from './group-commit.js';
import { IdempotencyKeySweeper } from './idempotency-key-sweeper.js';
import { IngestService } from './ingest.service.js';

/** Accepting events: validation, the transactional store, the outbox and its relay. */
@Module({
  providers: [IngestService, IngestRateLimiter, EventStore, GroupCommit, OutboxPublisher, OutboxSignal, PublishMarks, OutboxRelay, EventQueryService, EventTreeService, IdempotencyKeySweeper],
  exports: [IngestService, EventQueryService, EventTreeService, OutboxRelay, OutboxPublisher, IdempotencyKeySweeper],
})
export class IngestModule {}
