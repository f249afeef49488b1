import type { FieldError } from '@switchyard/core/contracts';
import { z } from 'zod';
import { toFieldErrors } from '../../foundation/problems/field-errors.js';
import { validateData } from '../events/data-validation.js';
import type { EventTypes } from '../events/event-catalog.js';
import { unstorableJson } from '../events/storable-json.js';
import { type CatchUp, cronError, MAX_INTERVAL_MS, MIN_INTERVAL_MS, type ScheduleTiming, timeZoneError } from './schedule-timing.js';

/** A schedule's definition, checked: what POST /v1/schedules and @EventSchedule both come down to. */
export interface ScheduleSpec {
  name: string;
  type: string;
  data: unknown;
  source: string;
  subject: string | null;
  timing: ScheduleTiming;
  catchUp: CatchUp;
  paused: boolean;
}

export type SpecResult = { ok: true; spec: ScheduleSpec } | { ok: false; errors: FieldError[]; unknownType?: string };

const NAME = /^[a-z0-9]+([._-][a-z0-9]+)*$/;

const body = z.strictObject({
  name: z.string().max(200).regex(NAME, 'must be lowercase words joined by ".", "-" or "_" (such as nightly-quota-check)'),
  type: z.string().min(1).max(255),
  data: z.unknown(),
  source: z.string().min(1).max(1024).optional(),
  subject: z.string().min(1).max(1024).optional(),
  cron: z.string().max(200).optional(),
  timeZone: z.string().min(1).max(100).optional(),
  intervalMs: z.int().min(MIN_INTERVAL_MS, `must be at least ${MIN_INTERVAL_MS} ms`).max(MAX_INTERVAL_MS, `must be at most ${MAX_INTERVAL_MS} ms; use cron for longer periods`).optional(),
  catchUp: z.enum(['skip', 'fire-once']).optional(),
  paused: z.boolean().optional(),
});

/**
 * Checks a schedule's definition: its shape, its timing (a cron expression in
 * a real zone, or an interval of at least a second) and its event — a known
 * type whose `data` passes the catalog's schema, so a schedule that could
 * never emit a valid event is refused when it is made, not at 6 am.
 */
export async function checkSchedule(input: unknown, types: EventTypes): Promise<SpecResult> {
  const unstorable = unstorableJson(input);
  if (unstorable) return { ok: false, errors: [unstorable] };
  const parsed = body.safeParse(input);
  if (!parsed.success) return { ok: false, errors: toFieldErrors(parsed.error) };
  const value = parsed.data;
  const errors: FieldError[] = [];
  if (value.data === undefined) errors.push({ path: 'data', message: 'is required (use {} for an event without data)' });
  let timing: ScheduleTiming | null = null;
  if ((value.cron === undefined) === (value.intervalMs === undefined)) {
    errors.push({ path: 'cron', message: 'give either cron (with timeZone) or intervalMs, not both and not neither' });
  } else if (value.cron !== undefined) {
    const timeZone = value.timeZone ?? 'UTC';
    const zoneProblem = timeZoneError(timeZone);
    const cronProblem = zoneProblem ? null : cronError(value.cron, timeZone);
    if (zoneProblem) errors.push({ path: 'timeZone', message: zoneProblem });
    else if (cronProblem) errors.push({ path: 'cron', message: cronProblem });
    else timing = { kind: 'cron', cron: value.cron.trim().replace(/\s+/g, ' '), timeZone };
  } else {
    if (value.timeZone !== undefined) errors.push({ path: 'timeZone', message: 'applies to cron schedules only' });
    else timing = { kind: 'interval', intervalMs: value.intervalMs! };
  }
  const schema = types.schemaOf(value.type);
  if (!schema) return { ok: false, errors, unknownType: value.type };
  if (value.data !== undefined) errors.push(...(await validateData(schema, value.data)));
  if (errors.length || !timing) return { ok: false, errors };
  return {
    ok: true,
    spec: {
      name: value.name,
      type: value.type,
      data: value.data,
      source: value.source ?? `urn:switchyard:schedule:${value.name}`,
      subject: value.subject ?? null,
      timing,
      catchUp: value.catchUp ?? 'skip',
      paused: value.paused ?? false,
    },
  };
}
