import type { ScheduleSummary } from '@switchyard/core/contracts';
import type { ScheduleModel } from '../../db/index.js';
import type { NewSchedule } from '../../foundation/repositories/schedules.repository.js';
import type { ScheduleSpec } from './schedule-spec.js';
import type { ScheduleTiming } from './schedule-timing.js';

/** A stored schedule as the API answers it. */
export function toSummary(row: ScheduleModel): ScheduleSummary {
  return {
    name: row.name,
    type: row.eventType,
    data: row.data,
    source: row.source,
    subject: row.subject,
    kind: row.kind as ScheduleSummary['kind'],
    cron: row.cron,
    timeZone: row.timeZone,
    intervalMs: row.intervalMs,
    catchUp: row.catchUp as ScheduleSummary['catchUp'],
    paused: row.paused,
    nextFireAt: row.nextFireAt.toISOString(),
    lastFiredAt: row.lastFiredAt?.toISOString() ?? null,
    lastEventId: row.lastEventId,
    lastError: row.lastError,
    origin: row.origin as ScheduleSummary['origin'],
    createdBy: row.createdBy,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  };
}

/** The timing columns of a row (or of a spec about to be stored). */
export function timingOf(row: { kind: string; cron: string | null; timeZone: string | null; intervalMs: number | null }): ScheduleTiming {
  return row.kind === 'cron' ? { kind: 'cron', cron: row.cron!, timeZone: row.timeZone! } : { kind: 'interval', intervalMs: row.intervalMs! };
}

/** A checked spec as the row to store, first due at `nextFireAt`. */
export function toNewSchedule(spec: ScheduleSpec, nextFireAt: Date): NewSchedule {
  return {
    name: spec.name,
    eventType: spec.type,
    data: spec.data,
    source: spec.source,
    subject: spec.subject,
    kind: spec.timing.kind,
    cron: spec.timing.kind === 'cron' ? spec.timing.cron : null,
    timeZone: spec.timing.kind === 'cron' ? spec.timing.timeZone : null,
    intervalMs: spec.timing.kind === 'interval' ? spec.timing.intervalMs : null,
    catchUp: spec.catchUp,
    paused: spec.paused,
    nextFireAt,
  };
}
