import { Inject, Injectable, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import { limitIdleInTransaction, PrismaService } from '../../db/index.js';
import { BackgroundLoop, exponentialBackoff, type LoopPass } from '../../foundation/background/background-loop.js';
import { SWITCHYARD_CONFIG, type SwitchyardConfig } from '../../foundation/config/core-config.js';
import { EventsRepository } from '../../foundation/repositories/events.repository.js';
import { OutboxPublisher } from './outbox-publisher.js';
import { toEntry } from './outbox-row.js';
import { OutboxSignal } from './outbox-signal.js';

const BATCH_SIZE = 500;
const MAX_RETRY_DELAY_MS = 5_000;

/**
 * Publishes outbox rows nobody published: Redis was down at ingest, or the
 * process died between commit and enqueue. Each sweep locks a batch with
 * FOR UPDATE SKIP LOCKED, so any number of API replicas share the work without
 * publishing a row twice at once, and marks it published in the same
 * transaction. Rows are picked by age, not by a "highest id seen" cursor, so
 * transactions that commit out of order are never skipped. Jobs held for
 * their ordering key are not the relay's until the key reaches them; from
 * then (`released_at`) the grace period gives the releasing worker time to
 * publish them itself, and a worker that died before it could leaves them
 * here, so no key waits forever.
 */
@Injectable()
export class OutboxRelay implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly loop: BackgroundLoop;

  constructor(
    private readonly prisma: PrismaService,
    private readonly events: EventsRepository,
    private readonly publisher: OutboxPublisher,
    signal: OutboxSignal,
    @Inject(SWITCHYARD_CONFIG) private readonly config: SwitchyardConfig,
  ) {
    this.loop = new BackgroundLoop((pass) => this.pass(pass), { name: 'Outbox relay', signal, retryDelayMs: exponentialBackoff(MAX_RETRY_DELAY_MS) });
  }

  /** The first sweep comes at boot: a previous process may have left rows. */
  onApplicationBootstrap(): void {
    this.loop.start();
  }

  onModuleDestroy(): Promise<void> {
    return this.loop.stop();
  }

  /** One sweep; returns how long to wait before the next: none while whole batches come back. */
  private async pass({ woken }: LoopPass): Promise<number> {
    // Rows younger than the grace period are still being published by the
    // request that wrote them; after a wake, wait that long before sweeping.
    if (woken && this.config.outbox.graceMs > 0) await delay(this.config.outbox.graceMs);
    const published = await this.sweep();
    return published === BATCH_SIZE ? 0 : this.config.outbox.sweepIntervalMs;
  }

  /**
   * Publishes one batch of stale outbox rows; returns how many. If some of
   * its queues refuse (one Redis Cluster master failing over, or without a
   * replica to acknowledge), the rows of the others are still marked, and
   * then the refusal is thrown: one queue's trouble must not hold back every
   * queue's rows in the same batch.
   */
  async sweep(): Promise<number> {
    const { count, failure } = await this.sweepBatch();
    if (failure) throw failure;
    return count;
  }

  private async sweepBatch(): Promise<{ count: number; failure: Error | null }> {
    const graceSeconds = this.config.outbox.graceMs / 1000;
    return this.prisma.$transaction(
      async (tx) => {
        // A relay frozen in here would keep its batch locked: skipped by the other relays, and the workers
        // that ran those jobs waiting to record their outcome. The transaction is idle while Redis takes the
        // jobs (at most the publish timeout); Postgres ends it if it idles much longer.
        await limitIdleInTransaction(tx, 2 * this.config.outbox.publishTimeoutMs + 2_000);
        const rows = await this.events.lockUnpublished(tx, graceSeconds, BATCH_SIZE);
        if (rows.length === 0) return { count: 0, failure: null };
        let ids: string[];
        let failure: Error | null = null;
        try {
          ids = await this.publisher.enqueue(rows.map(toEntry));
        } catch (error) {
          failure = error as Error;
          ids = (error as { published?: string[] }).published ?? [];
        }
        if (ids.length > 0) await this.events.markLockedPublished(tx, ids);
        return { count: ids.length, failure };
      },
      { maxWait: 10_000, timeout: 60_000 },
    );
  }
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
