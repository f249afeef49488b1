import { Module } from '@nestjs/common';
import { AuditLog } from '../../foundation/audit/audit-log.js';
import { DeadLetterEvents } from '../dead-letters/dead-letter-events.js';
import { DeadLetterQueryService } from '../../surfaces/api/dead-letters/dead-letter-query.service.js';
import { DeadLetterTriageService } from '../../surfaces/api/dead-letters/dead-letter-triage.service.js';
import { EventReplayService } from '../../surfaces/api/events/event-replay.service.js';
import { IngestModule } from '../ingest/ingest.module.js';
import { ApiGauges } from '../../surfaces/api/metrics/api-gauges.js';
import { LagSampler } from '../../surfaces/api/metrics/lag-sampler.js';
import { TimeSeriesReader } from '../../foundation/metrics/time-series.reader.js';
import { QueueInspector } from '../../surfaces/api/queues/queue-inspector.js';
import { QueueSnapshots } from '../../surfaces/api/queues/queue-snapshots.js';
import { OperationRunner } from './operation-runner.js';
import { OperationService, OperationSignal } from './operation.service.js';

/** What operators use: dead-letter triage, bulk operations, replay, queue inspection and control, time series. */
@Module({
  imports: [IngestModule],
  providers: [
    AuditLog,
    DeadLetterEvents,
    DeadLetterQueryService,
    DeadLetterTriageService,
    EventReplayService,
    OperationService,
    OperationSignal,
    OperationRunner,
    QueueInspector,
    QueueSnapshots,
    TimeSeriesReader,
    LagSampler,
    ApiGauges,
  ],
  exports: [DeadLetterQueryService, DeadLetterTriageService, EventReplayService, OperationService, QueueInspector, QueueSnapshots, TimeSeriesReader, LagSampler],
})
export class OperationsModule {}
