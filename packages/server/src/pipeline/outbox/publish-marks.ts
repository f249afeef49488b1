import { BeforeApplicationShutdown, Inject, Injectable, Logger } from '@nestjs/common';
import { SWITCHYARD_CONFIG, type SwitchyardConfig } from '../../foundation/config/core-config.js';
import { EventsRepository } from '../../foundation/repositories/events.repository.js';

/** The longest published job ids wait before their mark is written. */
const MAX_LINGER_MS = 250;

/**
 * Published-but-not-yet-marked outbox rows of this process, marked in one
 * statement of their own a while after their jobs reached Redis: an eighth
 * of the relay's grace period (OUTBOX_GRACE_MS, 2 s by default), at most
 * 250 ms. By then a worker has usually run the job and recorded its outcome,
 * which marks the row published too (OutcomeRecorder, every 100 ms): the mark
 * then finds the row done and writes nothing, so a job row is updated once,
 * not twice. The ingest statement carries no marks, so it stays prepared.
 *
 * A crash loses only marks of the last linger: the relay then republishes
 * those rows under the same job ids, which BullMQ ignores while the jobs
 * exist (and rows with a recorded outcome are not republished).
 */
@Injectable()
export class PublishMarks implements BeforeApplicationShutdown {
  private readonly logger = new Logger(PublishMarks.name);
  private readonly lingerMs: number;
  private pending: string[] = [];
  private timer: NodeJS.Timeout | null = null;

  constructor(
    private readonly events: EventsRepository,
    @Inject(SWITCHYARD_CONFIG) config: SwitchyardConfig,
  ) {
    this.lingerMs = Math.min(MAX_LINGER_MS, Math.floor(config.outbox.graceMs / 8));
  }

  add(jobIds: string[]): void {
    if (jobIds.length === 0) return;
    for (const id of jobIds) this.pending.push(id);
    this.timer ??= setTimeout(() => void this.flush(), this.lingerMs);
  }

  /** Marks whatever is pending now. */
  async flush(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    const ids = this.pending;
    this.pending = [];
    if (ids.length === 0) return;
    try {
      await this.events.markPublished(ids);
    } catch (error) {
      // Postgres is away: keep the ids (the relay's grace period gives us seconds).
      this.logger.warn(`Could not mark ${ids.length} jobs published yet: ${(error as Error).message}`);
      this.pending.push(...ids);
      this.timer ??= setTimeout(() => void this.flush(), 1_000);
    }
  }

  async beforeApplicationShutdown(): Promise<void> {
    await this.flush();
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }
}
