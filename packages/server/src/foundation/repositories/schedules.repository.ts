import { Injectable } from '@nestjs/common';
import type { PoolClient } from 'pg';
import { uuidv7 } from '../ids/uuid-v7.js';
import { PgPool, PrismaService, ReadPrismaService, type ScheduleModel, type TransactionClient } from '../../db/index.js';

/** The columns a schedule's definition sets (the rest are its state). */
export interface ScheduleColumns {
  eventType: string;
  data: unknown;
  source: string;
  subject: string | null;
  kind: string;
  cron: string | null;
  timeZone: string | null;
  intervalMs: number | null;
  catchUp: string;
}

/** A schedule to store: its definition, whether it starts paused, and its first tick. */
export interface NewSchedule extends ScheduleColumns {
  name: string;
  paused: boolean;
  nextFireAt: Date;
}

/** A due schedule, claimed (locked) inside the scheduler's transaction. */
export interface DueSchedule extends ScheduleColumns {
  id: string;
  name: string;
  nextFireAt: Date;
  /** The database's clock when claimed: one clock for every replica. */
  now: Date;
}

/** What firing a claimed schedule came to: its next tick, and what the tick emitted or why it did not. */
export interface TickOutcome {
  id: string;
  /** The next tick (ISO 8601). */
  next: string;
  /** The tick emitted (ISO 8601); null when none was (last_fired_at is kept). */
  firedAt: string | null;
  /** The event stored for it; null keeps last_event_id. */
  eventId: string | null;
  error: string | null;
}

interface DueRow {
  id: string;
  name: string;
  event_type: string;
  data: unknown;
  source: string;
  subject: string | null;
  kind: string;
  cron: string | null;
  time_zone: string | null;
  interval_ms: number | null;
  catch_up: string;
  next_fire_at: Date;
  now: Date;
}

/** Schedules and their ticks: every statement that reads or writes them. */
@Injectable()
export class SchedulesRepository {
  constructor(
    private readonly prisma: PrismaService,
    // findByName and page: the console's reads, served by the read replica when there is one.
    private readonly read: ReadPrismaService,
    private readonly pg: PgPool,
  ) {}

  /** Stores a schedule made over the API, by `actor`; returns its id. A name taken is a unique violation. */
  async create(tx: TransactionClient, schedule: NewSchedule, actor: string): Promise<string> {
    const [created] = await tx.$queryRaw<Array<{ id: string }>>`
      INSERT INTO switchyard.schedules (id, name, event_type, data, source, subject, kind, cron, time_zone, interval_ms, catch_up, paused, next_fire_at, origin, created_by)
      VALUES (${uuidv7()}::uuid, ${schedule.name}, ${schedule.eventType}, ${JSON.stringify(schedule.data)}::jsonb, ${schedule.source}, ${schedule.subject},
              ${schedule.kind}, ${schedule.cron}, ${schedule.timeZone}, ${schedule.intervalMs}, ${schedule.catchUp}, ${schedule.paused},
              ${schedule.nextFireAt}, 'api', ${actor})
      RETURNING id::text AS id`;
    return created.id;
  }

  /**
   * Upserts a code-declared schedule by name. An operator's pause survives
   * (`paused` is set on insert only); the next tick is recomputed only when
   * the timing changed; an unchanged declaration writes nothing. Returns the
   * origin the schedule had before ('api', 'code'), or null if it was new or
   * unchanged.
   */
  async declare(schedule: NewSchedule): Promise<string | null> {
    const [row] = await this.prisma.$queryRaw<Array<{ was: string | null }>>`
      WITH previous AS (SELECT origin FROM switchyard.schedules WHERE name = ${schedule.name})
      INSERT INTO switchyard.schedules AS s (id, name, event_type, data, source, subject, kind, cron, time_zone, interval_ms, catch_up, paused, next_fire_at, origin, created_by)
      VALUES (${uuidv7()}::uuid, ${schedule.name}, ${schedule.eventType}, ${JSON.stringify(schedule.data)}::jsonb, ${schedule.source}, ${schedule.subject},
              ${schedule.kind}, ${schedule.cron}, ${schedule.timeZone}, ${schedule.intervalMs}, ${schedule.catchUp}, ${schedule.paused},
              ${schedule.nextFireAt}, 'code', 'code')
      ON CONFLICT (name) DO UPDATE SET
        event_type = excluded.event_type, data = excluded.data, source = excluded.source, subject = excluded.subject,
        kind = excluded.kind, cron = excluded.cron, time_zone = excluded.time_zone, interval_ms = excluded.interval_ms,
        catch_up = excluded.catch_up, origin = 'code', updated_at = now(),
        next_fire_at = CASE
          WHEN (s.kind, s.cron, s.time_zone, s.interval_ms) IS NOT DISTINCT FROM (excluded.kind, excluded.cron, excluded.time_zone, excluded.interval_ms)
          THEN s.next_fire_at ELSE excluded.next_fire_at END
      WHERE (s.event_type, s.data, s.source, s.subject, s.kind, s.cron, s.time_zone, s.interval_ms, s.catch_up, s.origin)
            IS DISTINCT FROM (excluded.event_type, excluded.data, excluded.source, excluded.subject, excluded.kind, excluded.cron,
                              excluded.time_zone, excluded.interval_ms, excluded.catch_up, 'code')
      RETURNING (SELECT origin FROM previous) AS was`;
    return row?.was ?? null;
  }

  /** The schedule with this id, as the transaction sees it. */
  findById(tx: TransactionClient, id: string): Promise<ScheduleModel> {
    return tx.schedule.findUniqueOrThrow({ where: { id } });
  }

  /** The schedule named `name` (from the read replica, when there is one); null if there is none. */
  findByName(name: string): Promise<ScheduleModel | null> {
    return this.read.schedule.findUnique({ where: { name } });
  }

  /** The schedule named `name`, locked for the rest of the transaction; null if there is none. */
  async lockByName(tx: TransactionClient, name: string): Promise<ScheduleModel | null> {
    await tx.$executeRaw`SELECT 1 FROM switchyard.schedules WHERE name = ${name} FOR UPDATE`;
    return tx.schedule.findUnique({ where: { name } });
  }

  /** Up to `take` schedules by name, after `after` (a name) when given (from the read replica, when there is one). */
  page(take: number, after?: string): Promise<ScheduleModel[]> {
    return this.read.schedule.findMany({
      where: after !== undefined ? { name: { gt: after } } : {},
      orderBy: { name: 'asc' },
      take,
    });
  }

  setPaused(tx: TransactionClient, id: string, paused: boolean, nextFireAt: Date): Promise<ScheduleModel> {
    return tx.schedule.update({ where: { id }, data: { paused, nextFireAt, updatedAt: new Date() } });
  }

  async delete(tx: TransactionClient, id: string): Promise<void> {
    await tx.schedule.delete({ where: { id } });
  }

  /** Milliseconds (by the database's clock) until the earliest unpaused schedule is due; negative when overdue, null when there is none. */
  async msUntilNextDue(): Promise<number | null> {
    const [row] = await this.pg.query<{ ms: number | null }>(
      'SELECT (extract(epoch FROM min(next_fire_at) - now()) * 1000)::float8 AS ms FROM switchyard.schedules WHERE NOT paused',
      [],
    );
    return row?.ms ?? null;
  }

  /**
   * Claims up to `limit` due schedules, earliest first, in the transaction
   * open on `client`: rows another replica holds are skipped, not waited for.
   * "Due" is judged by the database's clock.
   */
  async claimDue(client: PoolClient, limit: number): Promise<DueSchedule[]> {
    const { rows } = await client.query<DueRow>(
      `SELECT id::text AS id, name, event_type, data, source, subject, kind, cron, time_zone, interval_ms,
              catch_up, next_fire_at, now() AS now
       FROM switchyard.schedules
       WHERE NOT paused AND next_fire_at <= now()
       ORDER BY next_fire_at
       LIMIT $1
       FOR UPDATE SKIP LOCKED`,
      [limit],
    );
    return rows.map((row) => ({
      id: row.id,
      name: row.name,
      eventType: row.event_type,
      data: row.data,
      source: row.source,
      subject: row.subject,
      kind: row.kind,
      cron: row.cron,
      timeZone: row.time_zone,
      intervalMs: row.interval_ms,
      catchUp: row.catch_up,
      nextFireAt: row.next_fire_at,
      now: row.now,
    }));
  }

  /** Moves claimed schedules to their next ticks and records what each tick did, in the claim's transaction. */
  async recordTicks(client: PoolClient, outcomes: TickOutcome[]): Promise<void> {
    const rows = outcomes.map(({ id, next, firedAt, eventId, error }) => ({ id, next, fired_at: firedAt, event_id: eventId, error }));
    await client.query(
      `UPDATE switchyard.schedules s SET next_fire_at = o.next, last_fired_at = coalesce(o.fired_at, s.last_fired_at),
              last_event_id = coalesce(o.event_id, s.last_event_id), last_error = o.error
       FROM jsonb_to_recordset($1::jsonb) AS o(id uuid, next timestamptz, fired_at timestamptz, event_id uuid, error text)
       WHERE s.id = o.id`,
      [JSON.stringify(rows)],
    );
  }
}
