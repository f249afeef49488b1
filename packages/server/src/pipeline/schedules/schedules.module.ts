import { Module } from '@nestjs/common';
import { DiscoveryModule } from '@nestjs/core';
import { AuditLog } from '../../foundation/audit/audit-log.js';
import { EventStore } from '../events/event-store.js';
import { OutboxModule } from '../outbox/outbox.module.js';
import { ScheduleDeclarations } from './schedule-declarations.js';
import { ScheduleRunner } from './schedule-runner.js';
import { ScheduleService } from './schedule.service.js';

/**
 * Scheduled events, for the API and the workers alike: every process runs
 * the scheduler and upserts the schedules its code declares. It takes the
 * outbox publisher from OutboxModule rather than the API's ingest module, so
 * a worker gets it without the outbox relay; jobs a publish leaves behind are
 * the API relay's to sweep, like any other outbox row.
 */
@Module({
  imports: [DiscoveryModule, OutboxModule],
  providers: [ScheduleService, ScheduleRunner, ScheduleDeclarations, AuditLog, EventStore],
  exports: [ScheduleService, ScheduleRunner, ScheduleDeclarations],
})
export class SchedulesModule {}
