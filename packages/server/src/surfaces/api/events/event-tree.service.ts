import { Injectable } from '@nestjs/common';
import type { EventTree, EventTreeNode } from '@switchyard/core/contracts';
import { ReadPrismaService } from '../../../db/index.js';
import { isUuid } from '../../../foundation/paging/cursor.js';
import { ProblemError, problems } from '../../../foundation/problems/problem.js';
import { EventQueryService } from './event-query.service.js';

/** Events per tree answer: each costs a few Redis reads for its jobs' live state. */
export const MAX_TREE_EVENTS = 500;

/**
 * Correlation trees: every event sharing an event's correlation id, nested
 * under the event whose handler emitted it, each with its jobs (the same
 * lineage as GET /v1/events/:id).
 */
@Injectable()
export class EventTreeService {
  constructor(
    private readonly prisma: ReadPrismaService,
    private readonly lineage: EventQueryService,
  ) {}

  async tree(eventId: string): Promise<EventTree> {
    if (!isUuid(eventId)) throw new ProblemError(problems.invalidRequest(`Event ids are UUIDs; got ${JSON.stringify(eventId.slice(0, 100))}`));
    const asked = await this.prisma.event.findUnique({ where: { id: eventId }, select: { id: true, correlationId: true } });
    if (!asked) throw new ProblemError(problems.notFound(`No event with id ${JSON.stringify(eventId)}`));
    const correlationId = asked.correlationId ?? asked.id;
    const events = await this.prisma.event.findMany({
      where: { OR: [{ correlationId }, { id: asked.id }] },
      select: { id: true, type: true, causationId: true, receivedAt: true },
      orderBy: [{ receivedAt: 'asc' }, { id: 'asc' }],
      take: MAX_TREE_EVENTS + 1,
    });
    const truncated = events.length > MAX_TREE_EVENTS;
    const kept = events.slice(0, MAX_TREE_EVENTS);
    const ids = kept.map((event) => event.id);
    const [jobs, deadLetters] = await Promise.all([
      this.prisma.job.findMany({ where: { eventId: { in: ids } }, orderBy: [{ handler: 'asc' }, { createdAt: 'asc' }] }),
      this.prisma.deadLetter.findMany({ where: { eventId: { in: ids } }, select: { id: true, eventId: true, handler: true } }),
    ]);
    const deadLetterOf = new Map(deadLetters.map((letter) => [`${letter.eventId} ${letter.handler}`, letter.id]));
    const lineages = await Promise.all(jobs.map((job) => this.lineage.jobLineage(job, deadLetterOf.get(`${job.eventId} ${job.handler}`) ?? null)));
    const nodes = new Map<string, EventTreeNode>(
      kept.map((event) => [
        event.id,
        { eventId: event.id, type: event.type, causationId: event.causationId, receivedAt: event.receivedAt.toISOString(), jobs: [], children: [] },
      ]),
    );
    jobs.forEach((job, index) => nodes.get(job.eventId)?.jobs.push(lineages[index]));
    const roots: EventTreeNode[] = [];
    for (const node of nodes.values()) {
      // An event whose cause is outside the answer (truncated) shows as a root rather than vanish.
      const parent = node.causationId ? nodes.get(node.causationId) : undefined;
      (parent ? parent.children : roots).push(node);
    }
    return { correlationId, eventId: asked.id, roots, truncated };
  }
}
