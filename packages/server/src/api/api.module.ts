import { DynamicModule, Module, Type } from '@nestjs/common';
import { ConsoleAuthController } from './console-auth/console-auth.controller.js';
import { ConsoleKeysController } from './console-auth/console-keys.controller.js';
import { APP_FILTER, APP_GUARD, DiscoveryModule } from '@nestjs/core';
import { ApiKeyVerifier, type EventCatalog, IngestModule, OperationsModule, RedisConnection, SchedulesModule, SignInThrottle, PlatformModule } from '../platform/index.js';
import { API_CONFIG, type ApiConfig } from './api-config.js';
import { RouteAccessAudit } from './auth/route-access.audit.js';
import { ScopeGuard } from './auth/scope.guard.js';
import { DeadLettersController } from './dead-letters/dead-letters.controller.js';
import { EventsController } from './events/events.controller.js';
import { HealthController } from './health/health.controller.js';
import { ProblemDetailsFilter } from './http/problem-details.filter.js';
import { MetricsController } from './metrics/metrics.controller.js';
import { OperationsController } from './operations/operations.controller.js';
import { QueuesController } from './queues/queues.controller.js';
import { RoutesController } from './routes/routes.controller.js';
import { SchedulesController } from './schedules/schedules.controller.js';
import { StreamController } from './stream/stream.controller.js';

export interface ApiModuleOptions {
  config: ApiConfig;
  events: EventCatalog;
  /** Modules holding @EventHandler classes: the API routes to them, it does not run them. */
  handlers: Array<Type | DynamicModule>;
}

@Module({})
export class ApiModule {
  static forRoot(options: ApiModuleOptions): DynamicModule {
    return {
      module: ApiModule,
      imports: [
        PlatformModule.forRoot({ config: options.config.switchyard, events: options.events, handlers: options.handlers }),
        DiscoveryModule,
        IngestModule,
        OperationsModule,
        SchedulesModule,
        ...options.handlers,
      ],
      controllers: [
        EventsController,
        DeadLettersController,
        OperationsController,
        QueuesController,
        MetricsController,
        StreamController,
        RoutesController,
        SchedulesController,
        HealthController,
        ConsoleAuthController,
        ConsoleKeysController,
      ],
      providers: [
        { provide: API_CONFIG, useValue: options.config },
        { provide: APP_FILTER, useClass: ProblemDetailsFilter },
        { provide: APP_GUARD, useClass: ScopeGuard },
        ApiKeyVerifier,
        RouteAccessAudit,
        { provide: SignInThrottle, inject: [RedisConnection], useFactory: (redis: RedisConnection) => new SignInThrottle(redis.client, options.config.switchyard.queuePrefix) },
      ],
    };
  }
}
