import { CronExpressionParser } from 'cron-parser';

/** When a schedule ticks: a cron expression read in an IANA zone, or a fixed interval. */
export type ScheduleTiming = { kind: 'cron'; cron: string; timeZone: string } | { kind: 'interval'; intervalMs: number };

export type CatchUp = 'skip' | 'fire-once';

/** What one claim of a due schedule does. */
export interface Firing {
  /** The tick to emit an event for, or null (missed ticks skipped). */
  emit: { tick: Date; catchUp: { firstMissed: Date } | null } | null;
  /** The schedule's next_fire_at after this claim. */
  next: Date;
}

export const MIN_INTERVAL_MS = 1_000;
export const MAX_INTERVAL_MS = 2_147_483_647; // an int column; longer periods read better as cron

/** Why `timeZone` is not a zone this process can compute in, or null. */
export function timeZoneError(timeZone: string): string | null {
  try {
    // Throws RangeError for anything Intl (and so Luxon, which cron-parser uses) does not know.
    new Intl.DateTimeFormat('en-US', { timeZone }).format(0);
    return null;
  } catch {
    return `is not an IANA time zone (such as Europe/Berlin or UTC)`;
  }
}

/** Why `cron` cannot be used, or null. Five fields, or six with seconds first. */
export function cronError(cron: string, timeZone: string): string | null {
  const fields = cron.trim().split(/\s+/);
  const alias = fields.length === 1 && fields[0].startsWith('@');
  if (!alias && (cron.trim() === '' || fields.length < 5 || fields.length > 6)) {
    return 'must have 5 fields (minute hour day month weekday) or 6 (with seconds first), or be an alias such as @daily';
  }
  if (fields.some((field) => /H/.test(field))) return 'must not use H (hashed values): every replica must compute the same ticks';
  try {
    // An expression that never matches (30 February) fails here rather than at its first tick.
    CronExpressionParser.parse(cron, { tz: timeZone, currentDate: new Date() }).next();
    return null;
  } catch (error) {
    return `is not a valid cron expression: ${(error as Error).message}`;
  }
}

/** The first tick strictly after `after`. */
export function nextTick(timing: ScheduleTiming, after: Date, anchor?: Date): Date {
  if (timing.kind === 'interval') {
    // Ticks stay on the schedule's phase (anchor + n × interval), however late a claim runs.
    const base = anchor ?? after;
    const steps = Math.floor((after.getTime() - base.getTime()) / timing.intervalMs) + 1;
    return new Date(base.getTime() + Math.max(1, steps) * timing.intervalMs);
  }
  return CronExpressionParser.parse(timing.cron, { tz: timing.timeZone, currentDate: after }).next().toDate();
}

/** The last tick at or before `at`, given that `from` was a tick and `from` ≤ `at`. */
export function lastTickAtOrBefore(timing: ScheduleTiming, from: Date, at: Date): Date {
  if (timing.kind === 'interval') {
    const steps = Math.floor((at.getTime() - from.getTime()) / timing.intervalMs);
    return new Date(from.getTime() + steps * timing.intervalMs);
  }
  const previous = CronExpressionParser.parse(timing.cron, { tz: timing.timeZone, currentDate: new Date(at.getTime() + 1) })
    .prev()
    .toDate();
  return previous < from ? from : previous;
}

/**
 * What to do with a due schedule whose next tick is `due`, at `now`. A tick
 * at most `graceMs` late fires as usual (a slow poll, a short restart); the
 * schedule then moves to the following tick, which a busy loop claims at once
 * if it is due too. A tick later than that is a misfire (the scheduler was
 * down): `skip` emits nothing for the missed ticks, `fire-once` emits one
 * event for the latest of them; either way the schedule resumes at the first
 * tick after `now`.
 */
export function planFiring(timing: ScheduleTiming, due: Date, now: Date, catchUp: CatchUp, graceMs: number): Firing {
  if (now.getTime() - due.getTime() <= graceMs) return { emit: { tick: due, catchUp: null }, next: nextTick(timing, due, due) };
  const next = nextTick(timing, now, due);
  if (catchUp === 'skip') return { emit: null, next };
  return { emit: { tick: lastTickAtOrBefore(timing, due, now), catchUp: { firstMissed: due } }, next };
}
