import { BeforeApplicationShutdown, Injectable, Logger } from '@nestjs/common';
import { PrismaService } from '../../db/index.js';
import { JobsRepository } from '../../foundation/repositories/jobs.repository.js';
import { StoredPayloadScrubber } from '../../foundation/redaction/stored-payload-scrubber.js';

export interface CompletedJob {
  jobId: string;
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
 * last 100 ms of it in a crash loses no work. (A completion that resolves a
 * dead letter is not left to this: see DeadLetterResolver.)
 */
@Injectable()
export class OutcomeRecorder implements BeforeApplicationShutdown {
  private readonly logger = new Logger(OutcomeRecorder.name);
  private buffer: CompletedJob[] = [];
  private timer: NodeJS.Timeout | null = null;
  private flushing: Promise<void> = Promise.resolve();

  constructor(
    private readonly prisma: PrismaService,
    private readonly jobs: JobsRepository,
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
    try {
      if (this.scrubber.active) {
        const eventIds = [...new Set(batch.map((job) => job.eventId))];
        await this.prisma.$transaction([this.scrubber.lock(eventIds), this.jobs.recordCompletionsInBatch(batch), this.scrubber.scrub(eventIds)]);
      } else {
        await this.jobs.recordCompletions(batch);
      }
    } catch (error) {
      this.logger.warn(`Could not record ${batch.length} completions: ${(error as Error).message}`);
    }
  }

  async beforeApplicationShutdown(): Promise<void> {
    await this.flush();
  }
}
