import { Injectable } from '@nestjs/common';
import type { SqlExecutor } from '@switchyard/core';
import { PgPool, type Prisma, PrismaService, type TransactionClient } from '../../db/index.js';

/** An at-most-once job about to start, and the worker starting it. */
export interface JobStartToClaim {
  jobId: string;
  eventId: string;
  handler: string;
  workerId: string;
}

/** What claiming a start found: this call's claim, or the earlier start and the job's outcome. */
export interface StartClaimRecord {
  claimed: boolean;
  startedAt: Date | null;
  workerId: string | null;
  outcome: string | null;
  failedReason: string | null;
}

/** A job that completed, as its outcome is recorded. */
export interface CompletionRecord {
  jobId: string;
  attemptsMade: number;
  processedAt: Date;
  finishedAt: Date;
}

/** One failed attempt of a job. */
export interface AttemptRecord {
  jobId: string;
  eventId: string;
  handler: string;
  queue: string;
  attempt: number;
  workerId: string;
  startedAt: Date;
  finishedAt: Date;
  errorName: string;
  errorMessage: string;
  errorStack: string | null;
  retryable: boolean;
}

/** A job that failed for good: its last attempt, and the error it ended with. */
export interface DeadJobRecord {
  jobId: string;
  attemptsMade: number;
  startedAt: Date;
  finishedAt: Date;
  failedReason: string;
}

// One statement: RETURNING says whether this transaction recorded the key.
// A key another transaction is recording makes ON CONFLICT wait for it.
const RECORD_KEY_SQL = 'INSERT INTO switchyard.processed_keys (handler, key) VALUES ($1, $2) ON CONFLICT DO NOTHING RETURNING true AS recorded';

// Times travel as epoch milliseconds: exact, and cheaper to send than dates.
const RECORD_COMPLETIONS_SQL = `
  UPDATE switchyard.jobs AS j
  SET outcome = 'completed', attempts_made = x.attempts_made,
      processed_at = 'epoch'::timestamptz + x.processed_ms * interval '1 millisecond',
      finished_at = 'epoch'::timestamptz + x.finished_ms * interval '1 millisecond',
      failed_reason = NULL,
      -- It ran, so it was published; the publish marks skip rows this holds.
      published_at = COALESCE(j.published_at, 'epoch'::timestamptz + x.processed_ms * interval '1 millisecond')
  FROM unnest($1::text[], $2::int[], $3::int8[], $4::int8[]) AS x(id, attempts_made, processed_ms, finished_ms)
  WHERE j.id = x.id`;

/** The parameters of RECORD_COMPLETIONS_SQL: ids, attempts made, processed and finished times (ms). */
function completionArrays(jobs: CompletionRecord[]): [string[], number[], number[], number[]] {
  const ids: string[] = [];
  const attempts: number[] = [];
  const processed: number[] = [];
  const finished: number[] = [];
  for (const job of jobs) {
    ids.push(job.jobId);
    attempts.push(job.attemptsMade);
    processed.push(job.processedAt.getTime());
    finished.push(job.finishedAt.getTime());
  }
  return [ids, attempts, processed, finished];
}

const INSTALLATION_SQL = 'SELECT id::text AS id FROM switchyard.installation';

// A transaction-scoped advisory lock is visible in pg_locks to every session
// of the same Postgres server, tagged with its database's oid: a session that
// sees the lock under its own current database is in the very database that
// holds it. Unlike an id stored in a table, a copy of the database (a dump
// restored elsewhere, CREATE DATABASE … TEMPLATE) cannot pass this test.
const HOLD_PROBE_SQL = 'SELECT pg_advisory_xact_lock($1::int, $2::int) IS NULL AS held';
const SEES_PROBE_SQL = `SELECT EXISTS (
  SELECT 1 FROM pg_locks
  WHERE locktype = 'advisory' AND granted AND classid = $1::int::oid AND objid = $2::int::oid AND objsubid = 2
    AND database = (SELECT oid FROM pg_database WHERE datname = current_database())
) AS sees`;

/** A job's run: start claims, attempts, outcomes, and handlers' idempotency guards. */
@Injectable()
export class JobsRepository {
  constructor(
    private readonly prisma: PrismaService,
    private readonly pg: PgPool,
  ) {}

  /**
   * Claims the start of an at-most-once job, committed on its own; when it
   * was claimed before, answers that start and the job's outcome.
   */
  async claimStart(job: JobStartToClaim): Promise<StartClaimRecord> {
    // The outer SELECT does not see the row its own CTE inserts, only an earlier claim.
    const [row] = await this.prisma.$queryRaw<
      Array<{ claimed: boolean; started_at: Date | null; worker_id: string | null; outcome: string | null; failed_reason: string | null }>
    >`
      WITH claim AS (
        INSERT INTO switchyard.job_starts (job_id, event_id, handler, worker_id)
        VALUES (${job.jobId}, ${job.eventId}::uuid, ${job.handler}, ${job.workerId})
        ON CONFLICT (job_id) DO NOTHING
        RETURNING job_id
      )
      SELECT EXISTS (SELECT 1 FROM claim) AS claimed, s.started_at, s.worker_id, j.outcome, j.failed_reason
      FROM (SELECT 1) AS one
      LEFT JOIN switchyard.job_starts s ON s.job_id = ${job.jobId}
      LEFT JOIN switchyard.jobs j ON j.id = ${job.jobId}`;
    return { claimed: row.claimed, startedAt: row.started_at, workerId: row.worker_id, outcome: row.outcome, failedReason: row.failed_reason };
  }

  /**
   * Marks jobs completed, one prepared UPDATE for the batch, on the hot-path
   * pool: the batch goes as four arrays, which costs the worker far less
   * per job than a JSON document through Prisma.
   */
  async recordCompletions(jobs: CompletionRecord[]): Promise<void> {
    await this.pg.prepared('record_completions', RECORD_COMPLETIONS_SQL, completionArrays(jobs));
  }

  /** The same UPDATE, unawaited, for a batch transaction (`$transaction([…])`) with other statements. */
  recordCompletionsInBatch(jobs: CompletionRecord[]): Prisma.PrismaPromise<number> {
    return this.prisma.$executeRawUnsafe(RECORD_COMPLETIONS_SQL, ...completionArrays(jobs));
  }

  /** Records a failed attempt: inside `tx` when given, else on its own. */
  recordAttempt(attempt: AttemptRecord, tx: Pick<TransactionClient, '$executeRaw'> = this.prisma): Promise<number> {
    return tx.$executeRaw`
      INSERT INTO switchyard.job_attempts (job_id, event_id, handler, queue, attempt, worker_id, started_at, finished_at,
                                duration_ms, error_name, error_message, error_stack, retryable)
      VALUES (${attempt.jobId}, ${attempt.eventId}::uuid, ${attempt.handler}, ${attempt.queue}, ${attempt.attempt}, ${attempt.workerId},
              ${attempt.startedAt}, ${attempt.finishedAt}, ${attempt.finishedAt.getTime() - attempt.startedAt.getTime()},
              ${attempt.errorName}, ${attempt.errorMessage}, ${attempt.errorStack}, ${attempt.retryable})`;
  }

  /** Records the outcome of a job that failed for good, inside `tx` (with its dead letter). */
  markDead(tx: TransactionClient, job: DeadJobRecord): Promise<number> {
    return tx.$executeRaw`
      UPDATE switchyard.jobs SET outcome = 'dead', attempts_made = ${job.attemptsMade}, finished_at = ${job.finishedAt},
                      processed_at = COALESCE(processed_at, ${job.startedAt}), failed_reason = ${job.failedReason},
                      published_at = COALESCE(published_at, ${job.startedAt})
      WHERE id = ${job.jobId}`;
  }
}

// The idempotency guard's statements run through a handlers' transactions
// adapter (`sql`, its executor): on the database the app gave, inside the
// transaction that holds the handler's effects, and without Switchyard's
// clients (createHandlerContext builds a guard outside any worker). So they
// are functions rather than methods, taking the executor their callers hold.

/**
 * Records that `handler` applied its effects for `key`, in the executor's
 * transaction; false when a committed transaction recorded it first.
 */
export async function recordProcessedKey(sql: SqlExecutor, handler: string, key: string): Promise<boolean> {
  const recorded = await sql(RECORD_KEY_SQL, [handler, key]);
  return recorded.length > 0;
}

/** Takes the probe lock `[a, b]` (two non-negative int4) until the executor's transaction ends. */
export async function holdDatabaseProbe(sql: SqlExecutor, probe: [number, number]): Promise<void> {
  await sql(HOLD_PROBE_SQL, probe);
}

/** Whether the executor's session is in the database where another session holds the probe lock `[a, b]`. */
export async function seesDatabaseProbe(sql: SqlExecutor, probe: [number, number]): Promise<boolean> {
  const [row] = await sql(SEES_PROBE_SQL, probe);
  return row?.sees === true;
}

/** The id of the Switchyard installation the executor's database belongs to; null when it has no row. */
export async function installationId(sql: SqlExecutor): Promise<string | null> {
  const [row] = await sql(INSTALLATION_SQL, []);
  return typeof row?.id === 'string' ? row.id : null;
}
