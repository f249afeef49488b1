import { Injectable } from '@nestjs/common';
import { PLATFORM_EVENT_TYPES, type RouteInfo } from '@switchyard/core/contracts';
import { EventTypes } from '../events/event-catalog.js';
import type { HandlerDefinition } from '@switchyard/core';
import { HandlerRegistry } from '../handlers/handler-registry.js';
import { compileSubscriptionFilter, type EventPredicate, type FilterableEvent } from '@switchyard/core/platform';

/**
 * Event type → the handlers it fans out to. Built from the handlers this
 * process discovered, so adding a handler module is the only edit needed for
 * the API to route to it. Routes are cached per type; a handler's content
 * filter is then evaluated per event (`routesForEvent`).
 */
@Injectable()
export class RoutingTable {
  private readonly cache = new Map<string, HandlerDefinition[]>();
  private readonly predicates = new Map<string, EventPredicate>();

  constructor(
    private readonly registry: HandlerRegistry,
    private readonly types: EventTypes,
  ) {}

  routesFor(eventType: string): HandlerDefinition[] {
    let routes = this.cache.get(eventType);
    if (!routes) {
      routes = this.registry.subscribersOf(eventType);
      this.cache.set(eventType, routes);
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
    let predicate = this.predicates.get(route.name);
    if (!predicate) {
      predicate = compileSubscriptionFilter(route.filter);
      this.predicates.set(route.name, predicate);
    }
    return predicate(event);
  }

  /** The routes this process's handlers make, without the registry's view (the API's route listing adds it). */
  describe(): Array<Omit<RouteInfo, 'registration'>> {
    const types = [...this.types.names, ...PLATFORM_EVENT_TYPES].sort();
    const concurrency = new Map(this.registry.queues().map((queue) => [queue.name, queue]));
    return this.registry
      .definitions()
      .sort((a, b) => a.name.localeCompare(b.name))
      .map((definition) => ({
        handler: definition.name,
        queue: definition.queue,
        patterns: definition.patterns,
        eventTypes: types.filter((type) => this.routesFor(type).some((route) => route.name === definition.name)),
        attempts: definition.attempts,
        backoff: definition.backoff,
        priority: definition.priority,
        delay: definition.delay,
        concurrency: concurrency.get(definition.queue)?.concurrency ?? 0,
        rateLimit: concurrency.get(definition.queue)?.rateLimit ?? null,
        ordering: definition.ordering ? { by: 'key' as const, path: definition.ordering.path, afterDeadLetter: definition.ordering.afterDeadLetter } : null,
        filter: definition.filter,
        delivery: definition.delivery,
      }));
  }
}
