import { Inject, Injectable } from '@nestjs/common';
import type { RouteInfo } from '@switchyard/contracts';
import { EVENT_CATALOG, type EventCatalog } from '../ingest/event-catalog.js';
import type { HandlerDefinition } from '../handlers/event-handler.decorator.js';
import { HandlerRegistry } from '../handlers/handler-registry.js';

/**
 * Event type → the handlers it fans out to. Built from the handlers this
 * process discovered, so adding a handler module is the only edit needed for
 * the API to route to it.
 */
@Injectable()
export class RoutingTable {
  private readonly cache = new Map<string, HandlerDefinition[]>();

  constructor(
    private readonly registry: HandlerRegistry,
    @Inject(EVENT_CATALOG) private readonly catalog: EventCatalog,
  ) {}

  routesFor(eventType: string): HandlerDefinition[] {
    let routes = this.cache.get(eventType);
    if (!routes) {
      routes = this.registry.subscribersOf(eventType);
      this.cache.set(eventType, routes);
    }
    return routes;
  }

  describe(): RouteInfo[] {
    const types = Object.keys(this.catalog).sort();
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
        ordering: definition.ordering ? { by: 'key' as const, afterDeadLetter: definition.ordering.afterDeadLetter } : null,
      }));
  }
}
