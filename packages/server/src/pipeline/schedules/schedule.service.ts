import { Injectable, Logger } from '@nestjs/common';
import type { SchedulePage, ScheduleSummary } from '@switchyard/core/contracts';
import { PrismaService, type ScheduleModel, type TransactionClient } from '../../db/index.js';
import { SchedulesRepository } from '../../foundation/repositories/schedules.repository.js';
import { AuditLog } from '../../foundation/audit/audit-log.js';
import { EventTypes } from '../events/event-catalog.js';
import { ProblemError, problems } from '../../foundation/problems/problem.js';
import { checkSchedule, type ScheduleSpec } from './schedule-spec.js';
import { timingOf, toNewSchedule, toSummary } from './schedule-rows.js';
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
    private readonly schedules: SchedulesRepository,
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
    try {
      const row = await this.prisma.$transaction(async (tx) => {
        const id = await this.schedules.create(tx, toNewSchedule(spec, nextTick(spec.timing, new Date())), actor);
        await this.audit.record(tx, { actor, action: 'schedule.create', target: `schedule:${spec.name}`, detail: { type: spec.type, timing: spec.timing, catchUp: spec.catchUp } });
        return this.schedules.findById(tx, id);
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
    const rows = await this.schedules.page(limit + 1, cursor);
    const items = rows.slice(0, limit).map(toSummary);
    return { items, nextCursor: rows.length > limit ? items[items.length - 1].name : null };
  }

  async get(name: string): Promise<ScheduleSummary> {
    return toSummary(found(name, NAME.test(name) ? await this.schedules.findByName(name) : null));
  }

  /**
   * Pausing stops emission; resuming starts again at the first tick after
   * now. Ticks that passed while paused were refused on purpose, so they are
   * not caught up (catch-up is for downtime).
   */
  async setPaused(name: string, paused: boolean, actor: string): Promise<ScheduleSummary> {
    const row = await this.prisma.$transaction(async (tx) => {
      const current = await this.lock(tx, name);
      const nextFireAt = paused || !current.paused ? current.nextFireAt : nextTick(timingOf(current), new Date(), current.nextFireAt);
      await this.audit.record(tx, { actor, action: paused ? 'schedule.pause' : 'schedule.resume', target: `schedule:${name}` });
      return this.schedules.setPaused(tx, current.id, paused, nextFireAt);
    });
    return toSummary(row);
  }

  /**
   * A code-declared schedule comes back at the next start of any process
   * that declares it; deleting one needs `force` and says so.
   */
  async remove(name: string, actor: string, force: boolean): Promise<void> {
    await this.prisma.$transaction(async (tx) => {
      const current = await this.lock(tx, name);
      if (current.origin === 'code' && !force) {
        throw new ProblemError({
          type: 'urn:switchyard:problem:schedule-declared-in-code',
          title: 'The schedule is declared in code',
          status: 409,
          detail: `Schedule "${name}" is declared in code (@EventSchedule) and is recreated whenever a process that declares it starts. Pause it instead, or remove the declaration and delete it with ?force=true`,
        });
      }
      await this.schedules.delete(tx, current.id);
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
      const was = await this.schedules.declare(toNewSchedule(spec, nextTick(spec.timing, new Date())));
      if (was === 'api') this.logger.warn(`Schedule "${spec.name}" was created over the API; its declaration in code now defines it`);
    }
  }

  /** The schedule named `name`, locked for the rest of `tx`; 404 when there is none. */
  private async lock(tx: TransactionClient, name: string): Promise<ScheduleModel> {
    return found(name, NAME.test(name) ? await this.schedules.lockByName(tx, name) : null);
  }
}

function found(name: string, row: ScheduleModel | null): ScheduleModel {
  if (!row) throw new ProblemError(problems.notFound(`No schedule named ${JSON.stringify(name)}`));
  return row;
}

function isUniqueViolation(error: unknown): boolean {
  const candidate = error as { code?: string; meta?: { driverAdapterError?: { cause?: { originalCode?: string } } } };
  return candidate.code === 'P2002' || candidate.code === '23505' || candidate.meta?.driverAdapterError?.cause?.originalCode === '23505' || /23505|unique constraint/i.test(String((error as Error).message));
}
