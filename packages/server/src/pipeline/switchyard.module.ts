import { BullModule } from '@nestjs/bullmq';
import { DynamicModule, Global, Module, Type } from '@nestjs/common';
import { DiscoveryModule } from '@nestjs/core';
import { isPlatformEventType, PLATFORM_EVENT_PREFIX } from '@switchyard/core/contracts';
import { DbModule } from '../db/index.js';
import { SWITCHYARD_CONFIG, type SwitchyardConfig } from '../foundation/config/core-config.js';
import { handlerQueuesIn } from './handlers/handler-queues.js';
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
import { RoutingTable } from './routing/routing-table.js';

export interface SwitchyardModuleOptions {
  config: SwitchyardConfig;
  /** The event types this deployment accepts and their data schemas. */
  events: EventCatalog;
  /**
   * The modules holding the app's @EventHandler classes (the app imports
   * them too): their queues are registered with @nestjs/bullmq, so
   * `@InjectQueue(queue)` injects the Queue Switchyard publishes to.
   */
  handlers?: Array<Type | DynamicModule>;
}

/**
 * The platform's shared parts, once per app: config, Postgres, the Redis
 * connection, @nestjs/bullmq with Switchyard's queues registered (and
 * guarded: QueueOwnership), the discovered handlers and the routing table.
 * Apps add IngestModule (the API) or RunnerModule (workers).
 */
@Global()
@Module({})
export class SwitchyardModule {
  static forRoot(options: SwitchyardModuleOptions): DynamicModule {
    const { config } = options;
    const reserved = Object.keys(options.events).filter(isPlatformEventType);
    if (reserved.length > 0) {
      throw new Error(
        `The event catalog declares ${reserved.map((type) => `"${type}"`).join(', ')}, but types under "${PLATFORM_EVENT_PREFIX}" are Switchyard's own events; rename them`,
      );
    }
    const bull = bullQueuesFor(config, handlerQueuesIn(options.handlers ?? []));
    return {
      module: SwitchyardModule,
      imports: [
        DiscoveryModule,
        DbModule.forRoot({
          url: config.databaseUrl,
          poolSize: config.databasePoolSize,
          readUrl: config.databaseReadUrl,
          preparedStatements: config.databasePreparedStatements,
        }),
        ...bull.imports,
      ],
      providers: [
        { provide: SWITCHYARD_CONFIG, useValue: config },
        { provide: EVENT_CATALOG, useValue: options.events },
        { provide: EventTypes, useValue: new EventTypes(options.events) },
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
      exports: [SWITCHYARD_CONFIG, EVENT_CATALOG, EventTypes, RedisConnection, BullModuleConnection, QueueRegistry, HandlerRegistry, RoutingTable, ReadinessProbe, PrometheusMetrics, Redactor, BullModule],
    };
  }
}
