import { BeforeApplicationShutdown, Injectable, Logger } from '@nestjs/common';
import { EventsRepository } from '../../foundation/repositories/events.repository.js';

/**
 * How long published job ids may wait for the next ingest statement to carry
 * their mark before they are written on their own. Far below the relay's
 * grace period (OUTBOX_GRACE_MS, 2 s by default), so the relay does not
 * republish rows whose jobs reached Redis.
 */
const LINGER_MS = 25;

/**
 * Published-but-not-yet-marked outbox rows of this process. Ingest hands
 * them to its next append statement, which marks them in the same round trip
 * and commit as it stores new events — under load that halves the commits
 * per flush. Ids nobody takes within LINGER_MS are marked on their own. A
 * crash loses only marks: the relay then republishes those rows under the
 * same job ids, which BullMQ ignores while the jobs exist.
 */
@Injectable()
export class PublishMarks implements BeforeApplicationShutdown {
  private readonly logger = new Logger(PublishMarks.name);
  private pending: string[] = [];
  private timer: NodeJS.Timeout | null = null;

  constructor(private readonly events: EventsRepository) {}

  add(jobIds: string[]): void {
    if (jobIds.length === 0) return;
    for (const id of jobIds) this.pending.push(id);
    this.timer ??= setTimeout(() => void this.flush(), LINGER_MS);
  }

  /** Takes every pending id for a statement that will mark them; give them back with `restore` if it fails. */
  take(): string[] {
    const taken = this.pending;
    this.pending = [];
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    return taken;
  }

  restore(jobIds: string[]): void {
    this.add(jobIds);
  }

  /** Marks whatever is pending now, in a statement of its own. */
  async flush(): Promise<void> {
    const ids = this.take();
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
