// Shapes of the schedules endpoints (`/v1/schedules`).

/** After downtime: `skip` the missed ticks, or `fire-once` for them all, then go on. */
export type ScheduleCatchUp = 'skip' | 'fire-once';

/** A schedule as the API answers it. */
export interface ScheduleSummary {
  name: string;
  /** The event each tick emits. */
  type: string;
  data: unknown;
  source: string;
  subject: string | null;
  kind: 'cron' | 'interval';
  /** Cron expression (5 fields, or 6 with seconds first); null for intervals. */
  cron: string | null;
  /** IANA time zone the cron expression is read in; null for intervals. */
  timeZone: string | null;
  intervalMs: number | null;
  catchUp: ScheduleCatchUp;
  paused: boolean;
  nextFireAt: string;
  lastFiredAt: string | null;
  lastEventId: string | null;
  lastError: string | null;
  /** `api` (created over REST) or `code` (declared with @EventSchedule). */
  origin: 'api' | 'code';
  createdBy: string;
  createdAt: string;
  updatedAt: string;
}

/** `GET /v1/schedules`: pass `nextCursor` as `cursor` for the next page (null on the last). */
export interface SchedulePage {
  items: ScheduleSummary[];
  nextCursor: string | null;
}

/** `POST /v1/schedules`: give `cron` (with `timeZone`, default UTC) or `intervalMs`, not both. */
export interface NewSchedule {
  name: string;
  type: string;
  data: unknown;
  source?: string;
  subject?: string;
  cron?: string;
  timeZone?: string;
  intervalMs?: number;
  catchUp?: ScheduleCatchUp;
  paused?: boolean;
}
