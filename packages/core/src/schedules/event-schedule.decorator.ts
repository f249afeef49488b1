import { SetMetadata } from '@nestjs/common';
import type { NewSchedule } from '../contracts/index.js';

export const EVENT_SCHEDULE_METADATA = 'switchyard:event-schedules';

/**
 * What `@EventSchedule` takes: the same fields as `POST /v1/schedules`. Give
 * `cron` (5 fields, or 6 with seconds first) with an IANA `timeZone`
 * (default UTC), or `intervalMs`. `catchUp` (default `skip`) says what
 * happens to ticks missed while no process ran: nothing, or one event.
 */
export type EventScheduleOptions = NewSchedule;

/**
 * Declares a schedule in code, on any provider (typically the handler of the
 * event it emits, so the folder holds both). Every process that loads the
 * provider upserts the schedule by name at startup: the definition follows
 * the code, an operator's pause survives deploys. Checked against the event
 * catalog at startup; a bad declaration stops the process. May be repeated.
 */
export function EventSchedule(options: EventScheduleOptions): ClassDecorator {
  return (target) => {
    const existing = (Reflect.getMetadata(EVENT_SCHEDULE_METADATA, target) as EventScheduleOptions[] | undefined) ?? [];
    SetMetadata(EVENT_SCHEDULE_METADATA, [...existing, options])(target);
  };
}
