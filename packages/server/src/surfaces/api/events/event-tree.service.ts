import { Injectable } from '@nestjs/common';
import type { EventTree, EventTreeNode } from '@switchyard/core/contracts';
import { EventsRepository } from '../../../foundation/repositories/events.repository.js';
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
    private readonly events: EventsRepository,
    private readonly lineage: EventQueryService,
  ) {}

  async tree(eventId: string): Promise<EventTree> {
    if (!isUuid(eventId)) throw new ProblemError(problems.invalidRequest(`Event ids are UUIDs; got ${JSON.stringify(eventId.slice(0, 100))}`));
    const asked = await this.events.correlationOf(eventId);
    if (!asked) throw new ProblemError(problems.notFound(`No event with id ${JSON.stringify(eventId)}`));
    const correlationId = asked.correlationId ?? asked.id;
    const events = await this.events.correlatedEvents(correlationId, asked.id, MAX_TREE_EVENTS + 1);
    const truncated = events.length > MAX_TREE_EVENTS;
    const kept = events.slice(0, MAX_TREE_EVENTS);
    const ids = kept.map((event) => event.id);
    const { jobs, deadLetters } = await this.events.jobsOfEvents(ids);
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
