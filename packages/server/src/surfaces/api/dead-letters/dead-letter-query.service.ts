import { Injectable } from '@nestjs/common';
import type { DeadLetterDetail, DeadLetterFilter, DeadLetterGroup, DeadLetterPage, DeadLetterStats } from '@switchyard/core/contracts';
import { ReadPrismaService } from '../../../db/index.js';
import { ProblemError, problems } from '../../../foundation/problems/problem.js';
import { Redactor } from '../../../foundation/redaction/redactor.js';
import { decodeCursor, encodeCursor, isUuid } from '../../../foundation/paging/cursor.js';
import { type DeadLetterGroupRecord, type DeadLetterSelection, DeadLettersRepository, type DeadLetterSummaryRecord } from '../../../foundation/repositories/dead-letters.repository.js';
import { toSummary } from './dead-letter-rows.js';
import { errorPattern } from '../../../pipeline/dead-letters/fingerprint.js';

/**
 * Reads dead letters: the filtered list, one record with its history, and
 * error groups. The console's reads go to the read replica (ReadPrismaService);
 * `matching`, which triage uses right after its own writes, reads the primary.
 */
@Injectable()
export class DeadLetterQueryService {
  constructor(
    private readonly read: ReadPrismaService,
    private readonly deadLetters: DeadLettersRepository,
    private readonly redactor: Redactor,
  ) {}

  /** Newest first, from the read replica. */
  async list(filter: DeadLetterFilter, limit: number, cursor?: string): Promise<DeadLetterPage> {
    return page(await this.deadLetters.list(filter, limit, cursor ? decodeCursor(cursor) : null), limit);
  }

  /** Newest first, from the primary: bulk dry runs, and the record an action just changed. */
  async matching(selection: DeadLetterSelection, limit: number): Promise<DeadLetterPage> {
    return page(await this.deadLetters.matching(selection, limit), limit);
  }

  async get(id: string): Promise<DeadLetterDetail> {
    if (!isUuid(id)) throw new ProblemError(problems.notFound(`No dead letter with id ${JSON.stringify(id)}`));
    // One snapshot for the record, its trail, its attempts and its event: read
    // separately, a worker committing in between showed a status that
    // contradicted the trail right below it.
    const found = await this.read.$transaction((tx) => this.deadLetters.history(tx, id), { isolationLevel: 'RepeatableRead' });
    if (!found) throw new ProblemError(problems.notFound(`No dead letter with id ${JSON.stringify(id)}`));
    const { record, event, attempts } = found;
    return {
      ...toSummary(record),
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
    const rows = await this.deadLetters.counts();
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
    if (keys.length === 0 || (keys.length === 1 && filter.status === 'open')) {
      const openOnly = filter.status === 'open';
      return (await this.deadLetters.groupSummaries(openOnly, limit)).map((group) => toGroup(group, openOnly ? group.open : group.count));
    }
    return (await this.deadLetters.groupsMatching(filter, limit)).map((group) => toGroup(group, group.count));
  }
}

function page(records: DeadLetterSummaryRecord[], limit: number): DeadLetterPage {
  const items = records.slice(0, limit);
  const last = items.at(-1);
  return { items: items.map(toSummary), nextCursor: records.length > limit && last ? encodeCursor(last.lastFailedAt, last.id) : null };
}

function toGroup(group: DeadLetterGroupRecord, count: number): DeadLetterGroup {
  return {
    fingerprint: group.fingerprint,
    handler: group.handler,
    errorName: group.errorName,
    pattern: errorPattern(group.sample),
    sampleMessage: group.sample,
    count,
    open: group.open,
    firstSeen: group.firstSeen.toISOString(),
    lastSeen: group.lastSeen.toISOString(),
  };
}
