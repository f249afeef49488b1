import { Injectable, Logger, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import { EventsRepository } from '../../foundation/repositories/events.repository.js';

const SWEEP_EVERY_MS = 10 * 60_000;
const BATCH = 10_000;

/**
 * Deletes idempotency keys past their expiry, in small batches so the table
 * stays bounded without long locks. Expired keys already lose their meaning
 * (a new request takes them over); this only reclaims the rows. Replicas may
 * sweep at the same time: deletes of the same rows are harmless.
 */
@Injectable()
export class IdempotencyKeySweeper implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger(IdempotencyKeySweeper.name);
  private timer: NodeJS.Timeout | null = null;

  constructor(private readonly events: EventsRepository) {}

  onApplicationBootstrap(): void {
    this.timer = setInterval(() => void this.sweep(), SWEEP_EVERY_MS);
    this.timer.unref();
  }

  onModuleDestroy(): void {
    if (this.timer) clearInterval(this.timer);
  }

  /** Deletes expired keys; returns how many. */
  async sweep(): Promise<number> {
    let total = 0;
    try {
      for (;;) {
        const deleted = await this.events.deleteExpiredIdempotencyKeys(BATCH);
        total += deleted;
        if (deleted < BATCH) return total;
      }
    } catch (error) {
      this.logger.warn(`Could not sweep expired idempotency keys: ${(error as Error).message}`);
      return total;
    }
  }
}
