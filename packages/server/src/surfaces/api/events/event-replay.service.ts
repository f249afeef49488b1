import { Injectable, OnModuleInit } from '@nestjs/common';
import type { OperationStatus } from '@switchyard/core/contracts';
import { PrismaService, type TransactionClient } from '../../../db/index.js';
import { z } from 'zod';
import { AuditLog } from '../../../foundation/audit/audit-log.js';
import type { DomainEvent } from '@switchyard/core';
import { toFieldErrors } from '../../../foundation/problems/field-errors.js';
import { type EventSearch, EventsRepository, type ReplayJobRecord } from '../../../foundation/repositories/events.repository.js';
import { type Acting, type ActionResult, OperationKinds } from '../../../pipeline/operations/operation-kinds.js';
import { OperationService } from '../../../pipeline/operations/operation.service.js';
import type { OutboxEntry } from '../../../pipeline/outbox/outbox-entry.js';
import { ProblemError, problems } from '../../../foundation/problems/problem.js';
import { RoutingTable } from '../../../pipeline/routing/routing-table.js';

const timestamp = z.iso.datetime({ offset: true, message: 'must be an RFC 3339 timestamp' });

const replaySchema = z.strictObject({
  filter: z
    .strictObject({
      type: z.string().min(1).optional(),
      source: z.string().min(1).optional(),
      since: timestamp.optional(),
      until: timestamp.optional(),
      ids: z.array(z.uuid()).min(1).max(100_000).optional(),
    })
    .refine((filter) => Object.keys(filter).length > 0, { message: 'needs at least one of type, source, since, until, ids' }),
  handlers: z.array(z.string().min(1)).min(1).optional(),
  dryRun: z.boolean().default(false),
  ratePerSecond: z.int().min(1).max(10_000).default(100),
});

export interface ReplayDryRun {
  dryRun: true;
  matched: number;
  /** Jobs the replay would make, per handler. */
  jobs: Record<string, number>;
  /** Handlers whose count is an upper bound: their content filter is evaluated per event when the replay runs. */
  filtered: string[];
  sample: Array<{ eventId: string; type: string; receivedAt: string }>;
}

/**
 * Re-delivers stored events to their handlers (all, or the ones named), as a
 * paced, audited operation. Replayed jobs run like any other; whether a
 * handler's effects apply again is the idempotency guard's call: effects
 * already committed for an event are skipped unless the handler opts in with
 * `@EventHandler({ onReplay: 'reapply' })`.
 */
@Injectable()
export class EventReplayService implements OnModuleInit {
  constructor(
    private readonly prisma: PrismaService,
    private readonly events: EventsRepository,
    private readonly routing: RoutingTable,
    private readonly audit: AuditLog,
    private readonly operations: OperationService,
    private readonly kinds: OperationKinds,
  ) {}

  onModuleInit(): void {
    this.kinds.define('events.replay', (tx, ids, acting, params) => this.apply(tx, ids, acting, params.handlers ?? null));
  }

  async replay(input: unknown, actor: string): Promise<ReplayDryRun | OperationStatus> {
    const parsed = replaySchema.safeParse(input ?? {});
    if (!parsed.success) throw new ProblemError(problems.invalidRequest('Invalid replay', toFieldErrors(parsed.error)));
    const body = parsed.data;
    const unknown = (body.handlers ?? []).filter((name) => !this.routing.get(name));
    if (unknown.length) {
      throw new ProblemError(
        problems.invalidRequest(`Unknown handlers: ${unknown.join(', ')}. Known: ${this.routing.definitions().map((d) => d.name).sort().join(', ')}`, [
          { path: 'handlers', message: 'names a handler that is not deployed' },
        ]),
      );
    }
    const search: EventSearch = {
      data: [],
      type: body.filter.type,
      source: body.filter.source,
      since: body.filter.since ? new Date(body.filter.since) : undefined,
      until: body.filter.until ? new Date(body.filter.until) : undefined,
      ids: body.filter.ids,
    };
    if (body.dryRun) return this.dryRun(search, body.handlers ?? null);
    const operation = await this.prisma.$transaction(
      async (tx) => {
        const created = await this.operations.create(tx, {
          kind: 'events.replay',
          actor,
          filter: body.filter,
          params: { ratePerSecond: body.ratePerSecond, handlers: body.handlers ?? null },
          items: this.events.operationItems(search),
        });
        const auditId = await this.audit.record(tx, {
          actor,
          action: 'events.replay',
          target: `operation:${created.id}`,
          filter: body.filter,
          count: created.matched,
          detail: { handlers: body.handlers ?? 'all', ratePerSecond: body.ratePerSecond },
          operationId: created.id,
        });
        await this.operations.setParams(tx, created.id, { ratePerSecond: body.ratePerSecond, handlers: body.handlers ?? null, auditId: auditId.toString() });
        return created;
      },
      { timeout: 120_000 },
    );
    this.operations.started();
    return this.operations.get(operation.id);
  }

  /** One batch of a replay operation, inside the runner's transaction: outbox rows for each event's chosen handlers. */
  async apply(tx: TransactionClient, eventIds: string[], acting: Acting, handlers: string[] | null): Promise<ActionResult> {
    const events = await this.events.eventsToReplay(tx, eventIds);
    const result: ActionResult = { done: [], skipped: [], toPublish: [] };
    const found = new Set(events.map((event) => event.id));
    for (const id of eventIds) if (!found.has(id)) result.skipped.push({ id, reason: 'no longer exists', status: null, jobId: null });
    const rows: ReplayJobRecord[] = [];
    for (const event of events) {
      // Content filters are evaluated again, on the stored event with today's routing table (as the
      // type patterns are): the same answer as at ingest unless a filter changed since, or it reads
      // a path REDACT_STORED has masked.
      const filterable = { ...event, time: event.time?.toISOString() ?? null };
      const routes = this.routing.routesFor(event.type).filter((route) => !handlers || handlers.includes(route.name));
      const matching = routes.filter((route) => this.routing.accepts(route, filterable));
      if (matching.length === 0) {
        const reason = routes.length === 0 ? `has no chosen handler subscribed to ${event.type}` : `is filtered out by the content filter of ${routes.map((route) => route.name).join(', ')}`;
        result.skipped.push({ id: event.id, reason, status: null, jobId: null });
        continue;
      }
      const domainEvent: DomainEvent = {
        id: event.id,
        type: event.type,
        source: event.source,
        subject: event.subject,
        time: event.time?.toISOString() ?? null,
        data: event.data,
        receivedAt: event.receivedAt.toISOString(),
        correlationId: event.correlationId ?? event.id,
        causationId: event.causationId,
      };
      for (const route of matching) {
        const jobId = `${event.id}.${route.name}.replay.${acting.operationId}`;
        const entry: OutboxEntry = {
          jobId,
          queue: route.queue,
          handler: route.name,
          priority: event.priority ?? route.priority,
          deliverAt: null,
          attempts: route.attempts,
          backoff: route.backoff,
          event: domainEvent,
          delivery: { kind: 'replay', operationId: acting.operationId! },
        };
        result.toPublish.push(entry);
        rows.push({ id: jobId, event_id: event.id, handler: route.name, queue: route.queue, priority: entry.priority, attempts: route.attempts, backoff: route.backoff });
      }
      result.done.push({ id: event.id, jobId: null });
    }
    if (rows.length) await this.events.addReplayJobs(tx, acting.operationId!, rows);
    return result;
  }

  private async dryRun(search: EventSearch, handlers: string[] | null): Promise<ReplayDryRun> {
    const types = await this.events.countByType(search);
    // Counted in a Map: a handler may be named `constructor`, which a plain object already has.
    const jobs = new Map<string, number>();
    const filtered = new Set<string>();
    for (const { type, count } of types) {
      for (const route of this.routing.routesFor(type)) {
        if (handlers && !handlers.includes(route.name)) continue;
        jobs.set(route.name, (jobs.get(route.name) ?? 0) + count);
        if (route.filter !== null) filtered.add(route.name);
      }
    }
    const sample = await this.events.sampleMatching(search);
    return {
      dryRun: true,
      matched: types.reduce((sum, row) => sum + row.count, 0),
      jobs: Object.fromEntries(jobs),
      filtered: [...filtered].sort(),
      sample: sample.map((row) => ({ eventId: row.id, type: row.type, receivedAt: row.receivedAt.toISOString() })),
    };
  }
}
