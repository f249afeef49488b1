import { BeforeApplicationShutdown, Injectable, Logger } from '@nestjs/common';
import { PrismaService } from '@switchyard/db';
import { StoredPayloadScrubber } from '../redaction/stored-payload-scrubber.js';

export interface CompletedJob {
  jobId: string;
  eventId: string;
  handler: string;
  attemptsMade: number;
  processedAt: Date;
  finishedAt: Date;
  /** It failed or stalled before, or is a redrive: it may have a dead letter to resolve. */
  mayHaveDeadLetter: boolean;
}

const FLUSH_EVERY_MS = 100;
const FLUSH_AT = 500;

/**
 * Writes completions to the jobs table in batches, one UPDATE per flush, so
 * recording outcomes costs Postgres little at thousands of jobs a second.
 * The record is for lineage after BullMQ drops completed jobs; losing the
 * last 100 ms of it in a crash loses no work. A completion also resolves the
 * job's dead letter if it had one (a retried dead letter that now succeeded).
 */
@Injectable()
export class OutcomeRecorder implements BeforeApplicationShutdown {
  private readonly logger = new Logger(OutcomeRecorder.name);
  private buffer: CompletedJob[] = [];
  private timer: NodeJS.Timeout | null = null;
  private flushing: Promise<void> = Promise.resolve();

  constructor(
    private readonly prisma: PrismaService,
    private readonly scrubber: StoredPayloadScrubber,
  ) {}

  completed(job: CompletedJob): void {
    this.buffer.push(job);
    if (this.buffer.length >= FLUSH_AT) void this.flush();
    else this.timer ??= setTimeout(() => void this.flush(), FLUSH_EVERY_MS);
  }

  /** Writes everything buffered; resolves when it is in Postgres (or given up on). */
  flush(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    const batch = this.buffer;
    this.buffer = [];
    if (batch.length > 0) this.flushing = this.flushing.then(() => this.write(batch));
    return this.flushing;
  }

  private async write(batch: CompletedJob[]): Promise<void> {
    const rows = JSON.stringify(
      batch.map((job) => ({
        id: job.jobId,
        event_id: job.eventId,
        handler: job.handler,
        attempts_made: job.attemptsMade,
        processed_at: job.processedAt.toISOString(),
        finished_at: job.finishedAt.toISOString(),
      })),
    );
    const suspects = batch.filter((job) => job.mayHaveDeadLetter);
    const suspectRows = JSON.stringify(suspects.map((job) => ({ id: job.jobId, event_id: job.eventId, handler: job.handler })));
    try {
      const statements = [
        this.prisma.$executeRaw`
          UPDATE jobs AS j
          SET outcome = 'completed', attempts_made = x.attempts_made, processed_at = x.processed_at,
              finished_at = x.finished_at, failed_reason = NULL,
              -- It ran, so it was published; ingest's own mark skips rows this holds.
              published_at = COALESCE(j.published_at, x.processed_at)
          FROM jsonb_to_recordset(${rows}::jsonb) AS x(id text, attempts_made int, processed_at timestamptz, finished_at timestamptz)
          WHERE j.id = x.id`,
        this.prisma.$executeRaw`
          WITH targets AS (
            SELECT d.id, d.status AS from_status, x.id AS job_id
            FROM dead_letters d
            JOIN jsonb_to_recordset(${suspectRows}::jsonb) AS x(id text, event_id uuid, handler text)
              ON d.event_id = x.event_id AND d.handler = x.handler
            WHERE d.status IN ('open', 'retrying')
            FOR UPDATE OF d
          ), resolved AS (
            UPDATE dead_letters AS d SET status = 'resolved', updated_at = now()
            FROM targets t WHERE d.id = t.id
            RETURNING t.id, t.from_status, t.job_id
          )
          INSERT INTO dead_letter_actions (dead_letter_id, actor, action, from_status, to_status, job_id)
          SELECT id, 'system', 'resolved', from_status, 'resolved', job_id FROM resolved`,
      ];
      // Most completions are first-time successes with no dead letter: skip the join for them.
      const recorded = suspects.length ? statements : statements.slice(0, 1);
      if (this.scrubber.active) {
        const eventIds = [...new Set(batch.map((job) => job.eventId))];
        await this.prisma.$transaction([this.scrubber.lock(eventIds), ...recorded, this.scrubber.scrub(eventIds)]);
      } else {
        await this.prisma.$transaction(recorded);
      }
    } catch (error) {
      this.logger.warn(`Could not record ${batch.length} completions: ${(error as Error).message}`);
    }
  }

  async beforeApplicationShutdown(): Promise<void> {
    await this.flush();
  }
}
