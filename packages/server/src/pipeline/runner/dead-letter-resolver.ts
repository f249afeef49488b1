import { Injectable } from '@nestjs/common';
import { PrismaService } from '../../db/index.js';
import { DeadLettersRepository, type SucceededJob } from '../../foundation/repositories/dead-letters.repository.js';
import { DeadLetterEvents } from '../dead-letters/dead-letter-events.js';
import type { OutboxEntry } from '../outbox/outbox-entry.js';

/**
 * Resolves the dead letter of a job that succeeded after failing for good
 * (an operator's retry, or a re-run of a job dead-lettered just before its
 * worker died), and writes `switchyard.job.resolved` in the same
 * transaction. It runs before BullMQ hears the job completed, so a saga
 * waiting on the resolution never misses it: a worker that dies first
 * leaves the job to run again, its effects guarded, and resolve then.
 */
@Injectable()
export class DeadLetterResolver {
  constructor(
    private readonly prisma: PrismaService,
    private readonly deadLetters: DeadLettersRepository,
    private readonly deadLetterEvents: DeadLetterEvents,
  ) {}

  /** Returns the jobs to publish once committed. Throws if Postgres cannot record it. */
  resolve(job: SucceededJob): Promise<OutboxEntry[]> {
    return this.prisma.$transaction(async (tx) => this.deadLetterEvents.announce(tx, await this.deadLetters.resolve(tx, job)));
  }
}
