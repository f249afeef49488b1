import { Injectable } from '@nestjs/common';
import type { DeadLetterDetail, DeadLetterFilter, DeadLetterGroup, DeadLetterPage, DeadLetterStats } from '@switchyard/core/contracts';
import { Prisma, PrismaService, ReadPrismaService } from '../../../db/index.js';
import { ProblemError, problems } from '../../../foundation/problems/problem.js';
import { Redactor } from '../../../foundation/redaction/redactor.js';
import { decodeCursor, encodeCursor, isUuid } from '../../../foundation/paging/cursor.js';
import { deadLetterCondition } from './dead-letter-filter.js';
import { type DeadLetterRow, SUMMARY_COLUMNS, toSummary } from './dead-letter-rows.js';
import { errorPattern } from '../../../pipeline/dead-letters/fingerprint.js';

/**
 * Reads dead letters: the filtered list, one record with its history, and
 * error groups. The console's reads go to the read replica (ReadPrismaService);
 * `matching`, which triage uses right after its own writes, reads the primary.
 */
@Injectable()
export class DeadLetterQueryService {
  constructor(
    private readonly prisma: ReadPrismaService,
    private readonly primary: PrismaService,
    private readonly redactor: Redactor,
  ) {}

  /** Newest first, from the read replica. */
  list(filter: DeadLetterFilter, limit: number, cursor?: string): Promise<DeadLetterPage> {
    return this.page(this.prisma, filter, limit, cursor, Prisma.sql`TRUE`);
  }

  /** Newest first, from the primary, narrowed by `condition` (SQL over `d`): bulk dry runs, and the record an action just changed. */
  matching(condition: Prisma.Sql, limit: number): Promise<DeadLetterPage> {
    return this.page(this.primary, {}, limit, undefined, condition);
  }

  private async page(db: ReadPrismaService | PrismaService, filter: DeadLetterFilter, limit: number, cursor: string | undefined, condition: Prisma.Sql): Promise<DeadLetterPage> {
    const after = cursor ? decodeCursor(cursor) : null;
    const keyset = after ? Prisma.sql`AND (d.last_failed_at, d.id) < (${after.at}, ${after.id}::uuid)` : Prisma.empty;
    const rows = await db.$queryRaw<DeadLetterRow[]>`
      SELECT ${SUMMARY_COLUMNS} FROM switchyard.dead_letters d
      WHERE ${deadLetterCondition(filter)} AND ${condition} ${keyset}
      ORDER BY d.last_failed_at DESC, d.id DESC
      LIMIT ${limit + 1}`;
    const page = rows.slice(0, limit);
    const last = page.at(-1);
    return { items: page.map(toSummary), nextCursor: rows.length > limit && last ? encodeCursor(last.last_failed_at, last.id) : null };
  }

  async get(id: string): Promise<DeadLetterDetail> {
    if (!isUuid(id)) throw new ProblemError(problems.notFound(`No dead letter with id ${JSON.stringify(id)}`));
    // One snapshot for the record, its trail, its attempts and its event: read
    // separately, a worker committing in between showed a status that
    // contradicted the trail right below it.
    const found = await this.prisma.$transaction(
      async (tx) => {
        const record = await tx.deadLetter.findUnique({ where: { id }, include: { actions: { orderBy: { id: 'asc' } } } });
        if (!record) return null;
        const event = await tx.event.findUnique({ where: { id: record.eventId } });
        const attempts = await tx.jobAttempt.findMany({ where: { eventId: record.eventId, handler: record.handler }, orderBy: { id: 'asc' } });
        return { record, event, attempts };
      },
      { isolationLevel: 'RepeatableRead' },
    );
    if (!found) throw new ProblemError(problems.notFound(`No dead letter with id ${JSON.stringify(id)}`));
    const { record, event, attempts } = found;
    return {
      ...toSummary({
        id: record.id,
        status: record.status,
        queue: record.queue,
        handler: record.handler,
        event_type: record.eventType,
        event_id: record.eventId,
        job_id: record.jobId,
        error_name: record.errorName,
        error_message: record.errorMessage,
        fingerprint: record.fingerprint,
        attempts_made: record.attemptsMade,
        redrives: record.redrives,
        first_failed_at: record.firstFailedAt,
        last_failed_at: record.lastFailedAt,
      }),
      // Stored masked already; masked again for records written before REDACT_PATHS changed.
      payload: this.redactor.mask(record.payload),
      discardReason: record.discardReason,
      event: event
        ? { id: event.id, type: event.type, source: event.source, subject: event.subject, receivedAt: event.receivedAt.toISOString(), data: this.redactor.mask({ data: event.data }).data }
        : null,
      attempts: attempts.map((attempt) => ({
        jobId: attempt.jobId,
        attempt: attempt.attempt,
        workerId: attempt.workerId,
        startedAt: attempt.startedAt.toISOString(),
        finishedAt: attempt.finishedAt.toISOString(),
        durationMs: attempt.durationMs,
        errorName: attempt.errorName,
        errorMessage: attempt.errorMessage,
        errorStack: attempt.errorStack,
        retryable: attempt.retryable,
      })),
      actions: record.actions.map((action) => ({
        at: action.at.toISOString(),
        actor: action.actor,
        action: action.action,
        fromStatus: action.fromStatus,
        toStatus: action.toStatus,
        jobId: action.jobId,
        reason: action.reason,
        auditId: action.auditId?.toString() ?? null,
      })),
    };
  }

  /** How many dead letters are in each status, from the summary a trigger keeps (no scan). */
  async stats(): Promise<DeadLetterStats> {
    const rows = await this.prisma.deadLetterCount.findMany();
    const stats: DeadLetterStats = { open: 0, retrying: 0, resolved: 0, discarded: 0 };
    // Only the statuses the answer has: a row's status is data, not a field name to add.
    for (const row of rows) if (Object.hasOwn(stats, row.status)) stats[row.status as keyof DeadLetterStats] = Number(row.n);
    return stats;
  }

  /**
   * Dead letters grouped by fingerprint, most recently seen first. Unfiltered
   * (or open-only) views read the trigger-kept summary; other filters group
   * the matching rows, which their indexes narrow.
   */
  async groups(filter: DeadLetterFilter, limit: number): Promise<DeadLetterGroup[]> {
    const keys = Object.keys(filter).filter((key) => filter[key as keyof DeadLetterFilter] !== undefined);
    if (keys.length === 0 || (keys.length === 1 && filter.status === 'open')) return this.summarisedGroups(filter.status === 'open', limit);
    return this.scannedGroups(filter, limit);
  }

  private async summarisedGroups(openOnly: boolean, limit: number): Promise<DeadLetterGroup[]> {
    const rows = await this.prisma.deadLetterGroupSummary.findMany({
      where: openOnly ? { open: { gt: 0 } } : { count: { gt: 0 } },
      orderBy: { lastSeen: 'desc' },
      take: limit,
    });
    return rows.map((row) => ({
      fingerprint: row.fingerprint,
      handler: row.handler,
      errorName: row.errorName,
      pattern: errorPattern(row.sample),
      sampleMessage: row.sample,
      count: Number(openOnly ? row.open : row.count),
      open: Number(row.open),
      firstSeen: row.firstSeen.toISOString(),
      lastSeen: row.lastSeen.toISOString(),
    }));
  }

  private async scannedGroups(filter: DeadLetterFilter, limit: number): Promise<DeadLetterGroup[]> {
    const rows = await this.prisma.$queryRaw<
      Array<{ fingerprint: string; handler: string; error_name: string; count: number; open: number; first_seen: Date; last_seen: Date; sample: string }>
    >`
      SELECT g.*, s.error_message AS sample
      FROM (
        SELECT d.fingerprint, d.handler, d.error_name, count(*)::int AS count,
               (count(*) FILTER (WHERE d.status = 'open'))::int AS open,
               min(d.first_failed_at) AS first_seen, max(d.last_failed_at) AS last_seen
        FROM switchyard.dead_letters d WHERE ${deadLetterCondition(filter)}
        GROUP BY d.fingerprint, d.handler, d.error_name
        ORDER BY last_seen DESC
        LIMIT ${limit}
      ) g
      CROSS JOIN LATERAL (
        SELECT error_message FROM switchyard.dead_letters s
        WHERE s.fingerprint = g.fingerprint ORDER BY s.last_failed_at DESC LIMIT 1
      ) s
      ORDER BY g.last_seen DESC`;
    return rows.map((row) => ({
      fingerprint: row.fingerprint,
      handler: row.handler,
      errorName: row.error_name,
      pattern: errorPattern(row.sample),
      sampleMessage: row.sample,
      count: row.count,
      open: row.open,
      firstSeen: row.first_seen.toISOString(),
      lastSeen: row.last_seen.toISOString(),
    }));
  }
}
