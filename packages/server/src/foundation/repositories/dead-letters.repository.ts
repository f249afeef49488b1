import { Injectable } from '@nestjs/common';
import type { DeadLetterFilter } from '@switchyard/core/contracts';
import type { BackoffPolicy, DomainEvent } from '@switchyard/core';
import { uuidv7 } from '../ids/uuid-v7.js';
import {
  type DeadLetterActionModel,
  type DeadLetterCountModel,
  type DeadLetterModel,
  type EventModel,
  type JobAttemptModel,
  Prisma,
  PrismaService,
  ReadPrismaService,
  type TransactionClient,
} from '../../db/index.js';
import { filterCondition, type GroupRow, type LockedRow, SUMMARY_COLUMNS, type SummaryRow, type TransitionRow } from './dead-letters.sql.js';

/** A dead letter without its payload: what lists show. */
export type DeadLetterSummaryRecord = Pick<
  DeadLetterModel,
  'id' | 'status' | 'queue' | 'handler' | 'eventType' | 'eventId' | 'jobId' | 'errorName' | 'errorMessage' | 'fingerprint' | 'attemptsMade' | 'redrives' | 'firstFailedAt' | 'lastFailedAt'
>;

/** Which dead letters a read or a bulk action covers. */
export type DeadLetterSelection =
  | { filter: DeadLetterFilter }
  /** These ids, those of them in one of `statuses`. */
  | { ids: string[]; statuses: string[] }
  | { id: string };

/** Where a page of the newest-first list starts: after this record. */
export interface DeadLetterKey {
  at: Date;
  id: string;
}

/** A dead letter with its trail, its event (null once deleted) and every attempt of its event's handler. */
export interface DeadLetterHistory {
  record: DeadLetterModel & { actions: DeadLetterActionModel[] };
  event: EventModel | null;
  attempts: JobAttemptModel[];
}

/** Dead letters that failed the same way (one fingerprint). */
export interface DeadLetterGroupRecord {
  fingerprint: string;
  handler: string;
  errorName: string;
  count: number;
  open: number;
  firstSeen: Date;
  lastSeen: Date;
  /** The error message of the group's latest dead letter. */
  sample: string;
}

/** A job that failed for good, as its dead letter records it. */
export interface FailedJobRecord {
  jobId: string;
  eventId: string;
  eventType: string;
  /** The event as stored in the dead letter: REDACT_PATHS masked. */
  payload: DomainEvent;
  handler: string;
  queue: string;
  errorName: string;
  errorMessage: string;
  fingerprint: string;
}

/** A dead-letter transition (a trail entry) with its dead letter, as announcing it reads it. */
export interface DeadLetterTransitionRecord {
  actionId: string;
  action: string;
  fromStatus: string;
  actor: string;
  reason: string | null;
  /** The trail entry's job, if it names one. */
  jobId: string | null;
  deadLetterId: string;
  status: 'open' | 'discarded' | 'resolved';
  handler: string;
  queue: string;
  /** The dead letter's last failed job. */
  deadJobId: string;
  errorName: string;
  errorMessage: string;
  attemptsMade: number;
  redrives: number;
  payload: DomainEvent;
}

/** A dead letter locked for an operator's action. */
export interface LockedDeadLetter {
  id: string;
  status: string;
  eventId: string;
  handler: string;
  queue: string;
  /** The stored payload with the event's data, whole while the event exists. */
  payload: DomainEvent;
  redrives: number;
  eventPriority: number | null;
  eventExists: boolean;
  jobId: string;
  /** The failed job's place in its ordering key; null for unordered handlers. */
  orderingKey: string | null;
  orderingSeq: bigint | null;
}

/** The job of one dead letter's redrive. */
export interface RedriveJobRecord {
  jobId: string;
  deadLetterId: string;
  /** The dead letter's status before the redrive. */
  fromStatus: string;
  eventId: string;
  handler: string;
  queue: string;
  /** The event's priority, else the handler's; null: none. */
  priority: number | null;
  attempts: number;
  backoff: BackoffPolicy;
  orderingKey: string | null;
  orderingSeq: bigint | null;
}

/** Who acts on dead letters, and the audited action (and operation, for bulk) it is part of. */
export interface AuditedActor {
  actor: string;
  auditId: bigint;
  operationId?: string;
}

/** A job that succeeded and may have had a dead letter (it failed or stalled before, or is a redrive). */
export interface SucceededJob {
  jobId: string;
  eventId: string;
  handler: string;
}

/** Dead letters, their actions and groups: every statement that reads or writes them. */
@Injectable()
export class DeadLettersRepository {
  constructor(
    private readonly prisma: PrismaService,
    private readonly read: ReadPrismaService,
  ) {}

  /**
   * Writes the dead letter of a job that failed for good, or reopens the one
   * its event and handler have, and notes the transition in its trail;
   * returns the trail entries' ids.
   */
  async open(tx: TransactionClient, failed: FailedJobRecord): Promise<bigint[]> {
    const { eventId, handler } = failed;
    // Upsert the dead letter and note the transition in its trail, in one statement.
    const trail = await tx.$queryRaw<Array<{ id: bigint }>>`
      WITH previous AS (
        -- No FOR UPDATE: the upsert below changes this row in the same statement, and a
        -- locking read skips rows its own statement updated; the snapshot read sees the old status.
        SELECT id, status FROM switchyard.dead_letters WHERE event_id = ${eventId}::uuid AND handler = ${handler}
      ), history AS (
        SELECT count(*)::int AS attempts, min(finished_at) AS first_at, max(finished_at) AS last_at
        FROM switchyard.job_attempts WHERE event_id = ${eventId}::uuid AND handler = ${handler}
      ), upserted AS (
        INSERT INTO switchyard.dead_letters (id, job_id, event_id, event_type, handler, queue, payload, error_name, error_message,
                                  fingerprint, attempts_made, first_failed_at, last_failed_at, status)
        SELECT ${uuidv7()}::uuid, ${failed.jobId}, ${eventId}::uuid, ${failed.eventType}, ${handler}, ${failed.queue},
               ${JSON.stringify(failed.payload)}::jsonb, ${failed.errorName}, ${failed.errorMessage},
               ${failed.fingerprint}, h.attempts, h.first_at, h.last_at, 'open'
        FROM history h
        ON CONFLICT (event_id, handler) DO UPDATE
          SET job_id = excluded.job_id, error_name = excluded.error_name, error_message = excluded.error_message,
              fingerprint = excluded.fingerprint, attempts_made = excluded.attempts_made,
              first_failed_at = excluded.first_failed_at, last_failed_at = excluded.last_failed_at,
              status = 'open', updated_at = now()
        RETURNING id
      )
      INSERT INTO switchyard.dead_letter_actions (dead_letter_id, actor, action, from_status, to_status, job_id, reason)
      SELECT u.id, 'system', CASE WHEN p.id IS NULL THEN 'dead-lettered' ELSE 'failed-again' END,
             COALESCE(p.status, 'none'), 'open', ${failed.jobId}, ${failed.errorMessage}
      FROM upserted u LEFT JOIN previous p ON p.id = u.id
      RETURNING id`;
    return trail.map((row) => row.id);
  }

  /** The trail entries `actionIds` (written in `tx`) with their dead letters, in order. */
  async transitions(tx: TransactionClient, actionIds: Array<bigint | string>): Promise<DeadLetterTransitionRecord[]> {
    const rows = await tx.$queryRaw<TransitionRow[]>`
      SELECT a.id::text AS action_id, a.action, a.from_status, a.actor, a.reason, a.job_id,
             d.id::text AS dead_letter_id, d.status, d.handler, d.queue, d.job_id AS dead_job_id, d.error_name, d.error_message,
             d.attempts_made, d.redrives, d.payload
      FROM switchyard.dead_letter_actions a JOIN switchyard.dead_letters d ON d.id = a.dead_letter_id
      WHERE a.id = ANY(${actionIds.map(String)}::bigint[])
      ORDER BY a.id`;
    return rows.map((row) => ({
      actionId: row.action_id, action: row.action, fromStatus: row.from_status, actor: row.actor, reason: row.reason, jobId: row.job_id,
      deadLetterId: row.dead_letter_id, status: row.status, handler: row.handler, queue: row.queue, deadJobId: row.dead_job_id,
      errorName: row.error_name, errorMessage: row.error_message, attemptsMade: row.attempts_made, redrives: row.redrives, payload: row.payload,
    }));
  }

  /**
   * Marks the dead letter of a job that finally succeeded `resolved`, with a
   * trail entry, inside `tx`; returns the trail entries' ids (none when there
   * was no open or retrying dead letter). The row lock orders this after an
   * operator's action on the same dead letter.
   */
  async resolve(tx: TransactionClient, job: SucceededJob): Promise<bigint[]> {
    const rows = await tx.$queryRaw<Array<{ id: bigint }>>`
      WITH target AS (
        SELECT id, status FROM switchyard.dead_letters
        WHERE event_id = ${job.eventId}::uuid AND handler = ${job.handler} AND status IN ('open', 'retrying')
        FOR UPDATE
      ), resolved AS (
        UPDATE switchyard.dead_letters AS d SET status = 'resolved', updated_at = now()
        FROM target t WHERE d.id = t.id
        RETURNING t.id, t.status AS from_status
      )
      INSERT INTO switchyard.dead_letter_actions (dead_letter_id, actor, action, from_status, to_status, job_id)
      SELECT id, 'system', 'resolved', from_status, 'resolved', ${job.jobId} FROM resolved
      RETURNING id`;
    return rows.map((row) => row.id);
  }

  /** Newest first, filtered, from the read replica; `limit + 1` rows say whether a next page exists. */
  list(filter: DeadLetterFilter, limit: number, after: DeadLetterKey | null): Promise<DeadLetterSummaryRecord[]> {
    return this.page(this.read, filterCondition(filter), Prisma.sql`TRUE`, limit, after);
  }

  /** Newest first, from the primary (it sees an action just committed); `limit + 1` rows, as `list`. */
  matching(selection: DeadLetterSelection, limit: number): Promise<DeadLetterSummaryRecord[]> {
    return this.page(this.prisma, Prisma.sql`TRUE`, selectionCondition(selection), limit, null);
  }

  private async page(db: ReadPrismaService | PrismaService, filter: Prisma.Sql, condition: Prisma.Sql, limit: number, after: DeadLetterKey | null): Promise<DeadLetterSummaryRecord[]> {
    const keyset = after ? Prisma.sql`AND (d.last_failed_at, d.id) < (${after.at}, ${after.id}::uuid)` : Prisma.empty;
    const rows = await db.$queryRaw<SummaryRow[]>`
      SELECT ${SUMMARY_COLUMNS} FROM switchyard.dead_letters d
      WHERE ${filter} AND ${condition} ${keyset}
      ORDER BY d.last_failed_at DESC, d.id DESC
      LIMIT ${limit + 1}`;
    return rows.map(toRecord);
  }

  /** How many dead letters `selection` covers, on the primary. */
  async count(selection: DeadLetterSelection): Promise<number> {
    const [{ count }] = await this.prisma.$queryRaw<Array<{ count: number }>>`SELECT count(*)::int AS count FROM switchyard.dead_letters d WHERE ${selectionCondition(selection)}`;
    return count;
  }

  /** The items of a bulk operation over `selection`: a SELECT of `id` and `seq`, newest first. */
  operationItems(selection: DeadLetterSelection): Prisma.Sql {
    return Prisma.sql`SELECT d.id, row_number() OVER (ORDER BY d.last_failed_at DESC, d.id DESC)::int AS seq FROM switchyard.dead_letters d WHERE ${selectionCondition(selection)}`;
  }

  /** One dead letter with its history, read in `tx` (one snapshot for all of it); null if there is none. */
  async history(tx: TransactionClient, id: string): Promise<DeadLetterHistory | null> {
    const record = await tx.deadLetter.findUnique({ where: { id }, include: { actions: { orderBy: { id: 'asc' } } } });
    if (!record) return null;
    const event = await tx.event.findUnique({ where: { id: record.eventId } });
    const attempts = await tx.jobAttempt.findMany({ where: { eventId: record.eventId, handler: record.handler }, orderBy: { id: 'asc' } });
    return { record, event, attempts };
  }

  /** How many dead letters are in each status, from the summary a trigger keeps (no scan), on the read replica. */
  counts(): Promise<DeadLetterCountModel[]> {
    return this.read.deadLetterCount.findMany();
  }

  /** How many dead letters wait for an operator, from the same summary, on the primary. */
  async countOpen(): Promise<number> {
    const row = await this.prisma.deadLetterCount.findUnique({ where: { status: 'open' } });
    return Number(row?.n ?? 0);
  }

  /** Groups from the summary a trigger keeps, most recently seen first, on the read replica: all, or those with open dead letters. */
  async groupSummaries(openOnly: boolean, limit: number): Promise<DeadLetterGroupRecord[]> {
    const rows = await this.read.deadLetterGroupSummary.findMany({
      where: openOnly ? { open: { gt: 0 } } : { count: { gt: 0 } },
      orderBy: { lastSeen: 'desc' },
      take: limit,
    });
    return rows.map((row) => ({ ...row, count: Number(row.count), open: Number(row.open) }));
  }

  /** Groups of the dead letters `filter` matches, most recently seen first, on the read replica; their indexes narrow the scan. */
  async groupsMatching(filter: DeadLetterFilter, limit: number): Promise<DeadLetterGroupRecord[]> {
    const rows = await this.read.$queryRaw<GroupRow[]>`
      SELECT g.*, s.error_message AS sample
      FROM (
        SELECT d.fingerprint, d.handler, d.error_name, count(*)::int AS count,
               (count(*) FILTER (WHERE d.status = 'open'))::int AS open,
               min(d.first_failed_at) AS first_seen, max(d.last_failed_at) AS last_seen
        FROM switchyard.dead_letters d WHERE ${filterCondition(filter)}
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
      fingerprint: row.fingerprint, handler: row.handler, errorName: row.error_name, count: row.count, open: row.open,
      firstSeen: row.first_seen, lastSeen: row.last_seen, sample: row.sample,
    }));
  }
}

// An operator's actions on dead letters run in their caller's transaction,
// inside redrive() and discard() (pipeline/dead-letters), which are plain
// functions: so their statements are functions too, taking the transaction.

/** Locks the dead letters `ids` in `tx` for an operator's action; those that exist, in id order. */
export async function lockDeadLetters(tx: TransactionClient, ids: string[]): Promise<LockedDeadLetter[]> {
  if (ids.length === 0) return [];
  // Row locks serialise concurrent actions on one dead letter: a double click
  // waits for the first click to commit, then finds it `retrying`. The data
  // comes from the event: the dead letter's payload has REDACT_PATHS masked,
  // and the event keeps them whole while it has a dead letter not resolved.
  const rows = await tx.$queryRaw<LockedRow[]>`
    SELECT d.id::text AS id, d.status, d.event_id::text AS event_id, d.handler, d.queue,
           CASE WHEN e.id IS NULL THEN d.payload ELSE jsonb_set(d.payload, '{data}', e.data) END AS payload, d.redrives, e.priority AS event_priority,
           e.id IS NOT NULL AS event_exists, d.job_id, j.ordering_key, j.ordering_seq
    FROM switchyard.dead_letters d LEFT JOIN switchyard.events e ON e.id = d.event_id LEFT JOIN switchyard.jobs j ON j.id = d.job_id
    WHERE d.id = ANY(${ids}::uuid[])
    ORDER BY d.id
    FOR UPDATE OF d`;
  return rows.map((row) => ({
    id: row.id, status: row.status, eventId: row.event_id, handler: row.handler, queue: row.queue, payload: row.payload, redrives: row.redrives,
    eventPriority: row.event_priority, eventExists: row.event_exists, jobId: row.job_id, orderingKey: row.ordering_key, orderingSeq: row.ordering_seq,
  }));
}

/** In `tx`: marks the dead letters `retrying`, writes their redrive jobs (the outbox rows) and their trail entries. */
export async function redriveDeadLetters(tx: TransactionClient, jobs: RedriveJobRecord[], acting: AuditedActor): Promise<void> {
  const rowsJson = JSON.stringify(
    jobs.map((job) => ({
      id: job.jobId, event_id: job.eventId, handler: job.handler, queue: job.queue, priority: job.priority, attempts: job.attempts, backoff: job.backoff,
      from_status: job.fromStatus, dead_letter_id: job.deadLetterId, ordering_key: job.orderingKey, ordering_seq: job.orderingSeq?.toString() ?? null,
    })),
  );
  await tx.$executeRaw`
    UPDATE switchyard.dead_letters d SET status = 'retrying', redrives = d.redrives + 1, discard_reason = NULL, updated_at = now()
    FROM jsonb_to_recordset(${rowsJson}::jsonb) AS x(dead_letter_id uuid) WHERE d.id = x.dead_letter_id`;
  await tx.$executeRaw`
    INSERT INTO switchyard.jobs (id, event_id, handler, queue, priority, attempts, backoff, created_at, kind, operation_id, ordering_key, ordering_seq)
    SELECT x.id, x.event_id, x.handler, x.queue, x.priority, x.attempts, x.backoff, now(), 'redrive', ${acting.operationId ?? null}::uuid,
           x.ordering_key, x.ordering_seq
    FROM jsonb_to_recordset(${rowsJson}::jsonb)
      AS x(id text, event_id uuid, handler text, queue text, priority int, attempts int, backoff jsonb, ordering_key text, ordering_seq bigint)`;
  await tx.$executeRaw`
    INSERT INTO switchyard.dead_letter_actions (dead_letter_id, audit_id, actor, action, from_status, to_status, job_id)
    SELECT x.dead_letter_id, ${acting.auditId}, ${acting.actor}, 'retry', x.from_status, 'retrying', x.id
    FROM jsonb_to_recordset(${rowsJson}::jsonb) AS x(dead_letter_id uuid, from_status text, id text)`;
}

/** In `tx`: marks the open dead letters `ids` discarded with `reason`, with trail entries; returns the entries' ids. */
export async function discardDeadLetters(tx: TransactionClient, ids: string[], reason: string, acting: AuditedActor): Promise<bigint[]> {
  const trail = await tx.$queryRaw<Array<{ id: bigint }>>`
    WITH discarded AS (
      UPDATE switchyard.dead_letters SET status = 'discarded', discard_reason = ${reason}, updated_at = now()
      WHERE id = ANY(${ids}::uuid[]) RETURNING id
    )
    INSERT INTO switchyard.dead_letter_actions (dead_letter_id, audit_id, actor, action, from_status, to_status, reason)
    SELECT id, ${acting.auditId}, ${acting.actor}, 'discard', 'open', 'discarded', ${reason} FROM discarded
    RETURNING id`;
  return trail.map((row) => row.id);
}

function toRecord(row: SummaryRow): DeadLetterSummaryRecord {
  return {
    id: row.id, status: row.status, queue: row.queue, handler: row.handler, eventType: row.event_type, eventId: row.event_id, jobId: row.job_id,
    errorName: row.error_name, errorMessage: row.error_message, fingerprint: row.fingerprint, attemptsMade: row.attempts_made, redrives: row.redrives,
    firstFailedAt: row.first_failed_at, lastFailedAt: row.last_failed_at,
  };
}

/** The SQL condition for a selection, over `dead_letters` aliased `d`. */
function selectionCondition(selection: DeadLetterSelection): Prisma.Sql {
  if ('filter' in selection) return filterCondition(selection.filter);
  if ('ids' in selection) return Prisma.sql`d.id = ANY(${selection.ids}::uuid[]) AND d.status = ANY(${selection.statuses}::text[])`;
  return Prisma.sql`d.id = ${selection.id}::uuid`;
}
