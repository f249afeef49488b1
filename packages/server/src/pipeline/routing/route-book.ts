import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import type { StandardSchemaV1 } from '@standard-schema/spec';
import type { HandlerDefinition, OrderingKeyPath, OrderingPolicy } from '@switchyard/core';
import { compileTopicPattern, defineHandler, type TopicMatcher } from '@switchyard/core/platform';
import { BackgroundLoop, exponentialBackoff } from '../../foundation/background/background-loop.js';
import { SWITCHYARD_CONFIG, type SwitchyardConfig } from '../../foundation/config/core-config.js';
import { type RegistryContents, RoutesRepository } from '../../foundation/repositories/routes.repository.js';
import { jsonSchemaValidator } from '../events/json-schema.js';

/** A route in service, rebuilt from its registry row, with its patterns compiled. */
export interface BookedRoute {
  definition: HandlerDefinition;
  matches: TopicMatcher;
}

/** The registry as one process routes and validates with, as of one revision. Replaced whole on reload, never changed. */
export interface RouteSnapshot {
  readonly revision: string;
  /** By handler name, in name order. */
  readonly routes: ReadonlyMap<string, BookedRoute>;
  /** Registered event types, by type: the validator of their data and the JSON Schema it was built from. */
  readonly types: ReadonlyMap<string, { schema: StandardSchemaV1; jsonSchema: Record<string, unknown> }>;
}

const EMPTY: RouteSnapshot = { revision: '', routes: new Map(), types: new Map() };

/**
 * The route registry as this process serves it: the routes in service and
 * the event types with their JSON Schemas, held in memory and reloaded when
 * the registry's revision moves on. Every ROUTES_REFRESH_MS it reads that
 * one integer (a plain query: no LISTEN/NOTIFY, no session state, so it
 * works through a transaction-mode PgBouncer); a worker registering, a
 * route retired or restored shows here within that delay. A failed poll
 * keeps the routes it has and tries again.
 */
@Injectable()
export class RouteBook implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('RouteBook');
  private current: RouteSnapshot = EMPTY;
  /** Loads run one after another: a refresh asked for after a write starts after any load already under way, so it sees the write. */
  private loads: Promise<void> = Promise.resolve();
  private loop: BackgroundLoop | undefined;

  constructor(
    private readonly registry: RoutesRepository,
    @Inject(SWITCHYARD_CONFIG) private readonly config: SwitchyardConfig,
  ) {}

  /** What this process routes with now. */
  get snapshot(): RouteSnapshot {
    return this.current;
  }

  async onApplicationBootstrap(): Promise<void> {
    await this.refresh().catch((error: Error) => this.logger.warn(`Could not read the route registry yet (${error.message}); retrying`));
    const { refreshMs } = this.config.routes;
    this.loop = new BackgroundLoop(
      async () => {
        await this.refresh();
        return refreshMs;
      },
      { name: 'Route registry poll', retryDelayMs: exponentialBackoff(Math.max(refreshMs, 5_000)) },
    );
    this.loop.start();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.loop?.stop();
    this.loop = undefined;
  }

  /** Reloads the routes and types when the registry changed since the last load (a read of its revision otherwise). */
  refresh(): Promise<void> {
    const load = this.loads.catch(() => undefined).then(() => this.load());
    this.loads = load;
    return load;
  }

  private async load(): Promise<void> {
    const revision = await this.registry.revision();
    if (revision === this.current.revision) return;
    this.current = this.build(await this.registry.contents());
    this.logger.log(`Route registry revision ${this.current.revision}: ${this.current.routes.size} routes, ${this.current.types.size} event types`);
  }

  private build(contents: RegistryContents): RouteSnapshot {
    const routes = new Map<string, BookedRoute>();
    // In name order (as fan-out has always been), whatever the database's collation.
    for (const row of [...contents.routes].sort((a, b) => a.handler.localeCompare(b.handler))) {
      try {
        const definition = definitionFrom(row.handler, row.queue, row.definition);
        const matchers = definition.patterns.map(compileTopicPattern);
        routes.set(definition.name, { definition, matches: (type) => matchers.some((matches) => matches(type)) });
      } catch (error) {
        // A row this version cannot read (written by a newer worker, say): the others still route.
        this.logger.error(`Route ${row.handler} is not served: ${(error as Error).message}`);
      }
    }
    const types = new Map<string, { schema: StandardSchemaV1; jsonSchema: Record<string, unknown> }>();
    for (const type of contents.types) {
      try {
        types.set(type.type, { schema: jsonSchemaValidator(type.jsonSchema, type.schemaHash), jsonSchema: type.jsonSchema });
      } catch (error) {
        this.logger.error(`Event type ${type.type} is not accepted: its JSON Schema does not compile (${(error as Error).message})`);
      }
    }
    return { revision: contents.revision, routes, types };
  }
}

/** A handler's definition from its registry row (the options as data the registrar wrote), checked as `@EventHandler` checks them. */
export function definitionFrom(handler: string, queue: string, stored: Record<string, unknown>): HandlerDefinition {
  const options = stored as Partial<Omit<HandlerDefinition, 'ordering'>> & { ordering?: Pick<OrderingPolicy, 'path' | 'afterDeadLetter'> | null };
  return defineHandler({
    name: handler,
    queue,
    on: options.patterns ?? [],
    attempts: options.attempts,
    backoff: options.backoff,
    priority: options.priority ?? undefined,
    delay: options.delay,
    concurrency: options.concurrency ?? undefined,
    rateLimit: options.rateLimit ?? undefined,
    onReplay: options.onReplay,
    filter: options.filter ?? undefined,
    delivery: options.delivery,
    orderingKey: options.ordering?.path as OrderingKeyPath | undefined,
    afterDeadLetter: options.ordering?.afterDeadLetter,
  });
}
