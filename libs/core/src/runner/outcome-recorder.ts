import { BeforeApplicationShutdown, Injectable, Logger } from '@nestjs/common';
import { PrismaService } from '@switchyard/db';

export interface CompletedJob {
  eventId: string;
  handler: string;
  attemptsMade: number;
  processedAt: Date;
  finishedAt: Date;
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

  constructor(private readonly prisma: PrismaService) {}

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
        event_id: job.eventId,
        handler: job.handler,
        attempts_made: job.attemptsMade,
        processed_at: job.processedAt.toISOString(),
        finished_at: job.finishedAt.toISOString(),
      })),
    );
    try {
      await this.prisma.$transaction([
        this.prisma.$executeRaw`
          UPDATE jobs AS j
          SET outcome = 'completed', attempts_made = x.attempts_made, processed_at = x.processed_at,
              finished_at = x.finished_at, failed_reason = NULL
          FROM jsonb_to_recordset(${rows}::jsonb) AS x(event_id uuid, handler text, attempts_made int,
                                                       processed_at timestamptz, finished_at timestamptz)
          WHERE j.event_id = x.event_id AND j.handler = x.handler`,
        this.prisma.$executeRaw`
          UPDATE dead_letters AS d SET status = 'resolved', updated_at = now()
          FROM jsonb_to_recordset(${rows}::jsonb) AS x(event_id uuid, handler text)
          WHERE d.event_id = x.event_id AND d.handler = x.handler AND d.status IN ('open', 'retrying')`,
      ]);
    } catch (error) {
      this.logger.warn(`Could not record ${batch.length} completions: ${(error as Error).message}`);
    }
  }

  async beforeApplicationShutdown(): Promise<void> {
    await this.flush();
  }
}
