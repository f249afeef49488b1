import { Module } from '@nestjs/common';
import { DiscoveryModule } from '@nestjs/core';
import { AuditLog } from '../audit/audit-log.js';
import { EventStore } from '../ingest/event-store.js';
import { OutboxPublisher } from '../outbox/outbox-publisher.js';
import { OutboxSignal } from '../outbox/outbox-signal.js';
import { PublishMarks } from '../outbox/publish-marks.js';
import { ScheduleDeclarations } from './schedule-declarations.js';
import { ScheduleRunner } from './schedule-runner.js';
import { ScheduleService } from './schedule.service.js';

/**
 * Scheduled events, for the API and the workers alike: every process runs
 * the scheduler and upserts the schedules its code declares. The store and
 * publisher are this module's own (stateless) instances, so a worker gets
 * them without the API's ingest module and its outbox relay; jobs a publish
 * leaves behind are the API relay's to sweep, like any other outbox row.
 */
@Module({
  imports: [DiscoveryModule],
  providers: [ScheduleService, ScheduleRunner, ScheduleDeclarations, AuditLog, EventStore, OutboxPublisher, OutboxSignal, PublishMarks],
  exports: [ScheduleService, ScheduleRunner, ScheduleDeclarations],
})
export class SchedulesModule {}
