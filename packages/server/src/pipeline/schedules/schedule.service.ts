import { Injectable, Logger } from '@nestjs/common';
import type { SchedulePage, ScheduleSummary } from '@switchyard/core/contracts';
import { PrismaService, ReadPrismaService, type ScheduleModel, type TransactionClient } from '../../db/index.js';
import { v7 as uuidv7 } from 'uuid';
import { AuditLog } from '../../foundation/audit/audit-log.js';
import { EventTypes } from '../events/event-catalog.js';
import { ProblemError, problems } from '../../foundation/problems/problem.js';
import { checkSchedule, type ScheduleSpec } from './schedule-spec.js';
import { specColumns, timingOf, toSummary } from './schedule-rows.js';
import { nextTick } from './schedule-timing.js';

const NAME = /^[a-z0-9]+([._-][a-z0-9]+)*$/;

/**
 * Schedules as operators manage them: create (validated against the event
 * catalog, nothing stored on a mistake), list, read, pause, resume, delete,
 * each change audited in its own transaction. Code-declared schedules are
 * upserted here too (see ScheduleDeclarations).
 */
@Injectable()
export class ScheduleService {
  private readonly logger = new Logger(ScheduleService.name);

  constructor(
    private readonly prisma: PrismaService,
    // list and get: the console's reads, served by the read replica when there is one.
    private readonly read: ReadPrismaService,
    private readonly audit: AuditLog,
    private readonly types: EventTypes,
  ) {}

  async create(input: unknown, actor: string): Promise<ScheduleSummary> {
    if (input === null || typeof input !== 'object' || Array.isArray(input)) {
      throw new ProblemError(problems.invalidRequest('The body must be a JSON object describing the schedule'));
    }
    const checked = await checkSchedule(input, this.types);
    if (!checked.ok) {
      if (checked.unknownType !== undefined) throw new ProblemError(problems.unknownEventType(checked.unknownType, this.types.names));
      throw new ProblemError(problems.invalidRequest(`The schedule is invalid: ${checked.errors.map((e) => `${e.path} ${e.message}`).join('; ')}`, checked.errors));
    }
    const { spec } = checked;
    const columns = specColumns(spec);
    try {
      const row = await this.prisma.$transaction(async (tx) => {
        const [created] = await tx.$queryRaw<Array<{ id: string }>>`
          INSERT INTO switchyard.schedules (id, name, event_type, data, source, subject, kind, cron, time_zone, interval_ms, catch_up, paused, next_fire_at, origin, created_by)
          VALUES (${uuidv7()}::uuid, ${spec.name}, ${columns.eventType}, ${JSON.stringify(spec.data)}::jsonb, ${columns.source}, ${columns.subject},
                  ${columns.kind}, ${columns.cron}, ${columns.timeZone}, ${columns.intervalMs}, ${columns.catchUp}, ${spec.paused},
                  ${nextTick(spec.timing, new Date())}, 'api', ${actor})
          RETURNING id::text AS id`;
        await this.audit.record(tx, { actor, action: 'schedule.create', target: `schedule:${spec.name}`, detail: { type: spec.type, timing: spec.timing, catchUp: spec.catchUp } });
        return tx.schedule.findUniqueOrThrow({ where: { id: created.id } });
      });
      return toSummary(row);
    } catch (error) {
      if (isUniqueViolation(error)) {
        throw new ProblemError({
          type: 'urn:switchyard:problem:schedule-exists',
          title: 'A schedule with this name exists',
          status: 409,
          detail: `Schedule "${spec.name}" already exists; delete it first or choose another name`,
        });
      }
      throw error;
    }
  }

  async list(limit: number, cursor?: string): Promise<SchedulePage> {
    const rows = await this.read.schedule.findMany({
      where: cursor !== undefined ? { name: { gt: cursor } } : {},
      orderBy: { name: 'asc' },
      take: limit + 1,
    });
    const items = rows.slice(0, limit).map(toSummary);
    return { items, nextCursor: rows.length > limit ? items[items.length - 1].name : null };
  }

  async get(name: string): Promise<ScheduleSummary> {
    return toSummary(await this.find(this.read, name));
  }

  /**
   * Pausing stops emission; resuming starts again at the first tick after
   * now. Ticks that passed while paused were refused on purpose, so they are
   * not caught up (catch-up is for downtime).
   */
  async setPaused(name: string, paused: boolean, actor: string): Promise<ScheduleSummary> {
    const row = await this.prisma.$transaction(async (tx) => {
      const current = await this.find(tx, name, true);
      const nextFireAt = paused || !current.paused ? current.nextFireAt : nextTick(timingOf(current), new Date(), current.nextFireAt);
      await this.audit.record(tx, { actor, action: paused ? 'schedule.pause' : 'schedule.resume', target: `schedule:${name}` });
      return tx.schedule.update({ where: { id: current.id }, data: { paused, nextFireAt, updatedAt: new Date() } });
    });
    return toSummary(row);
  }

  /**
   * A code-declared schedule comes back at the next start of any process
   * that declares it; deleting one needs `force` and says so.
   */
  async remove(name: string, actor: string, force: boolean): Promise<void> {
    await this.prisma.$transaction(async (tx) => {
      const current = await this.find(tx, name, true);
      if (current.origin === 'code' && !force) {
        throw new ProblemError({
          type: 'urn:switchyard:problem:schedule-declared-in-code',
          title: 'The schedule is declared in code',
          status: 409,
          detail: `Schedule "${name}" is declared in code (@EventSchedule) and is recreated whenever a process that declares it starts. Pause it instead, or remove the declaration and delete it with ?force=true`,
        });
      }
      await tx.schedule.delete({ where: { id: current.id } });
      await this.audit.record(tx, { actor, action: 'schedule.delete', target: `schedule:${name}`, detail: { origin: current.origin } });
    });
  }

  /**
   * Upserts code-declared schedules by name. An operator's pause survives
   * (`paused` is set on insert only); the next tick is recomputed only when
   * the timing changed; an unchanged declaration writes nothing.
   */
  async declare(specs: ScheduleSpec[]): Promise<void> {
    for (const spec of specs) {
      const columns = specColumns(spec);
      const [row] = await this.prisma.$queryRaw<Array<{ was: string | null }>>`
        WITH previous AS (SELECT origin FROM switchyard.schedules WHERE name = ${spec.name})
        INSERT INTO switchyard.schedules AS s (id, name, event_type, data, source, subject, kind, cron, time_zone, interval_ms, catch_up, paused, next_fire_at, origin, created_by)
        VALUES (${uuidv7()}::uuid, ${spec.name}, ${columns.eventType}, ${JSON.stringify(spec.data)}::jsonb, ${columns.source}, ${columns.subject},
                ${columns.kind}, ${columns.cron}, ${columns.timeZone}, ${columns.intervalMs}, ${columns.catchUp}, ${spec.paused},
                ${nextTick(spec.timing, new Date())}, 'code', 'code')
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
      if (row?.was === 'api') this.logger.warn(`Schedule "${spec.name}" was created over the API; its declaration in code now defines it`);
    }
  }

  private async find(db: TransactionClient | PrismaService | ReadPrismaService, name: string, lock = false): Promise<ScheduleModel> {
    if (!NAME.test(name)) throw new ProblemError(problems.notFound(`No schedule named ${JSON.stringify(name)}`));
    if (lock) await db.$executeRaw`SELECT 1 FROM switchyard.schedules WHERE name = ${name} FOR UPDATE`;
    const row = await db.schedule.findUnique({ where: { name } });
    if (!row) throw new ProblemError(problems.notFound(`No schedule named ${JSON.stringify(name)}`));
    return row;
  }
}

function isUniqueViolation(error: unknown): boolean {
  const candidate = error as { code?: string; meta?: { driverAdapterError?: { cause?: { originalCode?: string } } } };
  return candidate.code === 'P2002' || candidate.code === '23505' || candidate.meta?.driverAdapterError?.cause?.originalCode === '23505' || /23505|unique constraint/i.test(String((error as Error).message));
}
