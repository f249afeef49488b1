import { Injectable, Logger } from '@nestjs/common';
import type { EventLineage, EventPage, JobLineage, JobState } from '@switchyard/contracts';
import { Prisma, PrismaService } from '@switchyard/db';
import { ProblemError, problems } from '../problems/problem.js';
import { QueueRegistry } from '../queues/queue-registry.js';

export interface EventFilter {
  type?: string;
  source?: string;
  since?: string;
  limit?: string;
  cursor?: string;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const BULLMQ_STATES = new Set<JobState>(['waiting', 'prioritized', 'delayed', 'active', 'completed', 'failed']);

/** Reads events and their lineage: Postgres for the record, BullMQ for live job state. */
@Injectable()
export class EventQueryService {
  private readonly logger = new Logger(EventQueryService.name);

  constructor(
    private readonly prisma: PrismaService,
    private readonly queues: QueueRegistry,
  ) {}

  async lineage(eventId: string): Promise<EventLineage> {
    const event = UUID.test(eventId)
      ? await this.prisma.event.findUnique({ where: { id: eventId }, include: { jobs: { orderBy: { handler: 'asc' } } } })
      : null;
    if (!event) throw new ProblemError(problems.notFound(`No event with id ${JSON.stringify(eventId)}`));
    const jobs = await Promise.all(event.jobs.map((job) => this.jobLineage(job)));
    return {
      eventId: event.id,
      type: event.type,
      source: event.source,
      subject: event.subject,
      data: event.data,
      receivedAt: event.receivedAt.toISOString(),
      jobs,
    };
  }

  private async jobLineage(job: Prisma.JobModel): Promise<JobLineage> {
    const base: JobLineage = {
      id: job.id,
      queue: job.queue,
      handler: job.handler,
      state: 'unknown',
      attemptsMade: job.attemptsMade,
      priority: job.priority,
      createdAt: job.createdAt.toISOString(),
      processedAt: job.processedAt?.toISOString() ?? null,
      finishedAt: job.finishedAt?.toISOString() ?? null,
      failedReason: job.failedReason,
    };
    if (job.outcome === 'dead') return { ...base, state: 'dead' };
    if (job.publishedAt === null) return { ...base, state: 'pending' };
    try {
      const live = await this.queues.get(job.queue).getJob(job.id);
      if (live) {
        const state = await live.getState();
        return {
          ...base,
          state: BULLMQ_STATES.has(state as JobState) ? (state as JobState) : 'unknown',
          attemptsMade: live.attemptsMade,
          processedAt: live.processedOn ? new Date(live.processedOn).toISOString() : base.processedAt,
          finishedAt: live.finishedOn ? new Date(live.finishedOn).toISOString() : base.finishedAt,
          failedReason: live.failedReason ?? base.failedReason,
        };
      }
    } catch (error) {
      // Redis down: answer with what Postgres knows rather than fail the whole lineage.
      this.logger.warn(`Live state of job ${job.id} unavailable: ${(error as Error).message}`);
    }
    return job.outcome === 'completed' ? { ...base, state: 'completed' } : base;
  }

  async list(filter: EventFilter): Promise<EventPage> {
    const limit = filter.limit === undefined ? 50 : Number(filter.limit);
    if (!Number.isInteger(limit) || limit < 1 || limit > 500) {
      throw new ProblemError(problems.invalidRequest('limit must be an integer from 1 to 500', [{ path: 'limit', message: 'must be 1 to 500' }]));
    }
    const since = filter.since === undefined ? undefined : new Date(filter.since);
    if (since && Number.isNaN(since.getTime())) {
      throw new ProblemError(problems.invalidRequest('since must be an RFC 3339 timestamp', [{ path: 'since', message: 'is not a timestamp' }]));
    }
    const after = filter.cursor === undefined ? undefined : decodeCursor(filter.cursor);
    const rows = await this.prisma.event.findMany({
      where: {
        ...(filter.type ? { type: filter.type } : {}),
        ...(filter.source ? { source: filter.source } : {}),
        ...(since ? { receivedAt: { gte: since } } : {}),
        ...(after
          ? { OR: [{ receivedAt: { lt: after.receivedAt } }, { receivedAt: after.receivedAt, id: { lt: after.id } }] }
          : {}),
      },
      orderBy: [{ receivedAt: 'desc' }, { id: 'desc' }],
      take: limit + 1,
      select: { id: true, type: true, source: true, subject: true, receivedAt: true, _count: { select: { jobs: true } } },
    });
    const page = rows.slice(0, limit);
    const last = page.at(-1);
    return {
      items: page.map((row) => ({
        eventId: row.id,
        type: row.type,
        source: row.source,
        subject: row.subject,
        receivedAt: row.receivedAt.toISOString(),
        jobCount: row._count.jobs,
      })),
      nextCursor: rows.length > limit && last ? encodeCursor(last.receivedAt, last.id) : null,
    };
  }
}

function encodeCursor(receivedAt: Date, id: string): string {
  return Buffer.from(JSON.stringify([receivedAt.toISOString(), id])).toString('base64url');
}

function decodeCursor(cursor: string): { receivedAt: Date; id: string } {
  try {
    const [at, id] = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as [string, string];
    const receivedAt = new Date(at);
    if (Number.isNaN(receivedAt.getTime()) || !UUID.test(id)) throw new Error('bad cursor');
    return { receivedAt, id };
  } catch {
    throw new ProblemError(problems.invalidRequest('cursor is not one this API returned', [{ path: 'cursor', message: 'is invalid' }]));
  }
}
