import { Injectable } from '@nestjs/common';
import { PLATFORM_EVENT_TYPES, type RouteInfo } from '@switchyard/core/contracts';
import type { HandlerDefinition } from '@switchyard/core';
import { compileSubscriptionFilter, type EventPredicate, type FilterableEvent } from '@switchyard/core/platform';
import { EventTypes } from '../events/event-catalog.js';
import { DEFAULT_CONCURRENCY, type QueueSettings } from '../handlers/handler-registry.js';
import { RouteBook, type RouteSnapshot } from './route-book.js';


/** What the table derives from one snapshot, dropped with it. */
interface Derived {
  snapshot: RouteSnapshot;
  byType: Map<string, HandlerDefinition[]>;
  predicates: Map<string, EventPredicate>;
  queues: QueueSettings[] | null;
}

/**
 * Event type → the handlers it fans out to, from the route registry (the
 * routes workers registered, RouteBook): the API routes to handlers whose
 * code it does not have, and a handler a new worker version brings gets
 * events without the API restarting. Routes are cached per type for as long
 * as the registry's revision holds; a handler's content filter is then
 * evaluated per event (`routesForEvent`).
 */
@Injectable()
export class RoutingTable {
  private derived: Derived | null = null;

  constructor(
    private readonly book: RouteBook,
    private readonly types: EventTypes,
  ) {}

  routesFor(eventType: string): HandlerDefinition[] {
    const derived = this.current();
    let routes = derived.byType.get(eventType);
    if (!routes) {
      routes = [...derived.snapshot.routes.values()].filter((route) => route.matches(eventType)).map((route) => route.definition);
      derived.byType.set(eventType, routes);
    }
    return routes;
  }

  /** The handlers `event` fans out to: subscribed to its type, and their content filter (if any) matches. */
  routesForEvent(event: FilterableEvent): HandlerDefinition[] {
    const routes = this.routesFor(event.type);
    return routes.some((route) => route.filter !== null) ? routes.filter((route) => this.accepts(route, event)) : routes;
  }

  /** Whether `route`'s content filter lets `event` through (true without a filter). */
  accepts(route: HandlerDefinition, event: FilterableEvent): boolean {
    if (route.filter === null) return true;
    const { predicates } = this.current();
    let predicate = predicates.get(route.name);
    if (!predicate) {
      predicate = compileSubscriptionFilter(route.filter);
      predicates.set(route.name, predicate);
    }
    return predicate(event);
  }

  /** The route of handler `name`, if it is in service. */
  get(name: string): HandlerDefinition | undefined {
    return this.current().snapshot.routes.get(name)?.definition;
  }

  /** Every route in service, by handler name. */
  definitions(): HandlerDefinition[] {
    return [...this.current().snapshot.routes.values()].map((route) => route.definition);
  }

  /** The queues the routes use, by name, with the handlers on each and their settings (the first handler that gives one). */
  queues(): QueueSettings[] {
    const derived = this.current();
    if (!derived.queues) {
      const byQueue = new Map<string, HandlerDefinition[]>();
      for (const definition of this.definitions()) byQueue.set(definition.queue, [...(byQueue.get(definition.queue) ?? []), definition]);
      derived.queues = [...byQueue]
        .sort(([a], [b]) => a.localeCompare(b))
        .map(([name, definitions]) => ({
          name,
          handlers: definitions.map((definition) => definition.name),
          concurrency: definitions.find((definition) => definition.concurrency !== null)?.concurrency ?? DEFAULT_CONCURRENCY,
          rateLimit: definitions.find((definition) => definition.rateLimit !== null)?.rateLimit ?? null,
        }));
    }
    return derived.queues;
  }

  /** The routes in service, without the registry's view of their workers (the API's route listing adds it). */
  describe(): Array<Omit<RouteInfo, 'registration'>> {
    const types = [...this.types.names, ...PLATFORM_EVENT_TYPES].sort();
    const queues = new Map(this.queues().map((queue) => [queue.name, queue]));
    return this.definitions().map((definition) => ({
      handler: definition.name,
      queue: definition.queue,
      patterns: definition.patterns,
      eventTypes: types.filter((type) => this.routesFor(type).some((route) => route.name === definition.name)),
      attempts: definition.attempts,
      backoff: definition.backoff,
      priority: definition.priority,
      delay: definition.delay,
      concurrency: queues.get(definition.queue)?.concurrency ?? DEFAULT_CONCURRENCY,
      rateLimit: queues.get(definition.queue)?.rateLimit ?? null,
      ordering: definition.ordering ? { by: 'key' as const, path: definition.ordering.path, afterDeadLetter: definition.ordering.afterDeadLetter } : null,
      filter: definition.filter,
      delivery: definition.delivery,
    }));
  }

  private current(): Derived {
    const snapshot = this.book.snapshot;
    if (this.derived?.snapshot !== snapshot) this.derived = { snapshot, byType: new Map(), predicates: new Map(), queues: null };
    return this.derived;
  }
}
