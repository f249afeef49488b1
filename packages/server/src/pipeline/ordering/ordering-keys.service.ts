import { Injectable } from '@nestjs/common';
import { PrismaService } from '../../db/index.js';
import { OutboxPublisher } from '../outbox/outbox-publisher.js';
import { toEntry } from '../outbox/outbox-row.js';
import { releaseKeys } from './key-release.js';

/**
 * The worker's side of ordering per key: when a key's head finishes, the
 * key's next job is released in Postgres and then published. The release is
 * committed before BullMQ hears the head completed: a worker that dies in
 * between leaves the head to be re-run (its effects guarded, its release a
 * no-op the second time), never a key without a runnable job. A worker that
 * dies after the commit but before the publish leaves the released job to
 * the outbox relay.
 */
@Injectable()
export class OrderingKeys {
  constructor(
    private readonly prisma: PrismaService,
    private readonly publisher: OutboxPublisher,
  ) {}

  /** Moves the key of a completed job on and publishes its next job. Throws if Postgres cannot record it. */
  async completed(jobId: string): Promise<void> {
    const released = await releaseKeys(this.prisma, [jobId]);
    // Published after commit (never throws: the relay covers a miss), marked
    // with the next batch of marks rather than a statement per job.
    if (released.length) await this.publisher.publishAfterCommit(released.map(toEntry), 'deferred');
  }
}
