import { BullModule } from '@nestjs/bullmq';
import { DynamicModule, Global, Module, Type } from '@nestjs/common';
import { DiscoveryModule } from '@nestjs/core';
import type { TransactionAdapter } from '@switchyard/core';
import { checkEventCatalog } from '@switchyard/core/platform';
import { DbModule } from '../db/index.js';
import { SWITCHYARD_CONFIG, type SwitchyardConfig } from '../foundation/config/core-config.js';
import { RepositoriesModule } from '../foundation/repositories/repositories.module.js';
import { handlerQueuesIn } from './handlers/handler-queues.js';
import { HANDLER_TRANSACTIONS } from './handlers/handler-transactions.js';
import { HandlerRegistry } from './handlers/handler-registry.js';
import { PrometheusMetrics } from '../foundation/metrics/prometheus-metrics.js';
import { ReadinessProbe } from '../foundation/connections/readiness-probe.js';
import { EVENT_CATALOG, type EventCatalog, EventTypes } from './events/event-catalog.js';
import { BullModuleConnection } from './queues/bull-module-connection.js';
import { bullQueuesFor } from './queues/bull-queues.js';
import { QueueOwnership } from './queues/queue-ownership.js';
import { QueueRegistry } from './queues/queue-registry.js';
import { Redactor } from '../foundation/redaction/redactor.js';
import { RedisConnection } from '../foundation/connections/redis-connection.js';
import { RouteBook } from './routing/route-book.js';
import { RoutingTable } from './routing/routing-table.js';

export interface PlatformModuleOptions {
  config: SwitchyardConfig;
  /**
   * A worker's app's event types and their data schemas: the worker
   * declares them to the route registry and checks its emits with them. The
   * API has none: it takes every type from the registry.
   */
  events?: EventCatalog;
  /**
   * The modules holding the app's @EventHandler classes (the app imports
   * them too): their queues are registered with @nestjs/bullmq, so
   * `@InjectQueue(queue)` injects the Queue Switchyard publishes to.
   */
  handlers?: Array<Type | DynamicModule>;
  /**
   * Where handlers' `ctx.once()` opens its transactions: the team's own
   * database and data-access library (`prismaTransactions(prisma)` from
   * `@switchyard/core/prisma`, `pgTransactions(pool)` from
   * `@switchyard/core/pg`, or one of the team's). Default: `pgTransactions`
   * over Switchyard's own pool, so `tx` is a pg client on Switchyard's
   * database. Workers use it; the API runs no handlers and ignores it.
   */
  transactions?: TransactionAdapter<unknown>;
}

/**
 * The platform's shared parts, once per app: config, Postgres, the Redis
 * connection, @nestjs/bullmq with Switchyard's queues registered (and
 * guarded: QueueOwnership), the discovered handlers, and the route
 * registry as this process serves it (RouteBook, RoutingTable, EventTypes).
 * Apps add IngestModule (the API) or RunnerModule (workers). Not the
 * SwitchyardModule of @switchyard/core, with which an app declares its
 * events: the server reads that declaration and passes it on here.
 */
@Global()
@Module({})
export class PlatformModule {
  static forRoot(options: PlatformModuleOptions): DynamicModule {
    const { config } = options;
    const events = options.events ?? {};
    checkEventCatalog(events);
    const bull = bullQueuesFor(config, handlerQueuesIn(options.handlers ?? []));
    return {
      module: PlatformModule,
      imports: [
        DiscoveryModule,
        DbModule.forRoot({
          url: config.databaseUrl,
          poolSize: config.databasePoolSize,
          readUrl: config.databaseReadUrl,
          preparedStatements: config.databasePreparedStatements,
        }),
        RepositoriesModule,
        ...bull.imports,
      ],
      providers: [
        { provide: SWITCHYARD_CONFIG, useValue: config },
        { provide: EVENT_CATALOG, useValue: events },
        { provide: HANDLER_TRANSACTIONS, useValue: options.transactions ?? null },
        RouteBook,
        { provide: EventTypes, inject: [RouteBook], useFactory: (book: RouteBook) => new EventTypes(events, book) },
        RedisConnection,
        ...bull.providers,
        QueueRegistry,
        QueueOwnership,
        HandlerRegistry,
        RoutingTable,
        ReadinessProbe,
        PrometheusMetrics,
        Redactor,
      ],
      exports: [SWITCHYARD_CONFIG, EVENT_CATALOG, HANDLER_TRANSACTIONS, EventTypes, RedisConnection, BullModuleConnection, QueueRegistry, HandlerRegistry, RouteBook, RoutingTable, ReadinessProbe, PrometheusMetrics, Redactor, BullModule],
    };
  }
}
