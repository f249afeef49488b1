import { Injectable, Logger } from '@nestjs/common';
import type { EventLineage, EventPage, JobLineage, JobState } from '@switchyard/core/contracts';
import type { Prisma } from '../../../db/index.js';
import { decodeCursor, encodeCursor, isUuid, parseLimit } from '../../../foundation/paging/cursor.js';
import { EventsRepository } from '../../../foundation/repositories/events.repository.js';
import { parseEventSearch } from './event-filter.js';
import { ProblemError, problems } from '../../../foundation/problems/problem.js';
import { QueueRegistry } from '../../../pipeline/queues/queue-registry.js';
import { Redactor } from '../../../foundation/redaction/redactor.js';

const BULLMQ_STATES = new Set<JobState>(['waiting', 'prioritized', 'delayed', 'active', 'completed', 'failed']);

/** Reads events and their lineage: Postgres for the record, BullMQ for live job state. */
@Injectable()
export class EventQueryService {
  private readonly logger = new Logger(EventQueryService.name);

  constructor(
    private readonly events: EventsRepository,
    private readonly queues: QueueRegistry,
    private readonly redactor: Redactor,
  ) {}

  async lineage(eventId: string): Promise<EventLineage> {
    const event = isUuid(eventId) ? await this.events.eventWithJobs(eventId) : null;
    if (!event) throw new ProblemError(problems.notFound(`No event with id ${JSON.stringify(eventId)}`));
    const deadLetters = await this.events.deadLettersOf(event.id);
    const deadLetterOf = new Map(deadLetters.map((letter) => [letter.handler, letter.id]));
    const jobs = await Promise.all(event.jobs.map((job) => this.jobLineage(job, deadLetterOf.get(job.handler) ?? null)));
    return {
      eventId: event.id,
      type: event.type,
      source: event.source,
      sourceId: event.sourceEventId,
      subject: event.subject,
      time: event.time?.toISOString() ?? null,
      extensions: (event.extensions as Record<string, unknown> | null) ?? null,
      data: this.redactor.mask({ data: event.data }).data,
      receivedAt: event.receivedAt.toISOString(),
      correlationId: event.correlationId ?? event.id,
      causationId: event.causationId,
      jobs,
    };
  }

  /** One job's lineage: Postgres's record, overlaid with BullMQ's live state while Redis holds the job. */
  async jobLineage(job: Prisma.JobModel, deadLetterId: string | null): Promise<JobLineage> {
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
      kind: job.kind as JobLineage['kind'],
      deadLetterId,
    };
    if (job.outcome === 'dead') return { ...base, state: 'dead' };
    // Asked of Redis even when not yet marked published: ingest marks rows up
    // to 250 ms after their jobs reach Redis (see PublishMarks).
    try {
      // State first, then the job's hash: read the other way round, a job that
      // finished between the two reads showed "completed" with the attempt
      // count of its last run still in progress.
      const queue = this.queues.get(job.queue);
      const state = await queue.getJobState(job.id);
      const live = state === 'unknown' ? undefined : await queue.getJob(job.id);
      if (live) {
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
    if (job.outcome === 'completed') return { ...base, state: 'completed' };
    return job.publishedAt === null ? { ...base, state: 'pending' } : base;
  }

  /** Newest first, keyset-paginated; see parseEventSearch for the filters. */
  async list(query: Record<string, unknown>): Promise<EventPage> {
    const search = parseEventSearch(query, this.redactor);
    const limit = parseLimit(typeof query.limit === 'string' ? query.limit : undefined);
    const after = typeof query.cursor === 'string' ? decodeCursor(query.cursor) : null;
    const rows = await this.events.search(search, this.redactor.enabled ? this.redactor.sqlPaths() : null, after, limit + 1);
    const page = rows.slice(0, limit);
    const last = page.at(-1);
    return {
      items: page.map((row) => ({
        eventId: row.id,
        type: row.type,
        source: row.source,
        sourceId: row.sourceEventId,
        subject: row.subject,
        receivedAt: row.receivedAt.toISOString(),
        jobCount: row.jobCount,
      })),
      nextCursor: rows.length > limit && last ? encodeCursor(last.receivedAt, last.id) : null,
    };
  }
}
