import { DynamicModule, Module } from '@nestjs/common';
import { APP_FILTER, APP_GUARD, DiscoveryModule } from '@nestjs/core';
import { AuditLog } from '../../foundation/audit/audit-log.js';
import { ApiKeyVerifier } from '../../foundation/auth/api-key-verifier.js';
import { RedisConnection } from '../../foundation/connections/redis-connection.js';
import { SignInThrottle } from '../../foundation/console-auth/sign-in-throttle.js';
import { TimeSeriesReader } from '../../foundation/metrics/time-series.reader.js';
import { DeadLetterEvents } from '../../pipeline/dead-letters/dead-letter-events.js';
import { IngestModule } from '../../pipeline/ingest/ingest.module.js';
import { OperationsModule } from '../../pipeline/operations/operations.module.js';
import { SchedulesModule } from '../../pipeline/schedules/schedules.module.js';
import { PlatformModule } from '../../pipeline/platform.module.js';
import { API_CONFIG, type ApiConfig } from './api-config.js';
import { RouteAccessAudit } from './auth/route-access.audit.js';
import { ScopeGuard } from './auth/scope.guard.js';
import { ConsoleAuthController } from './console-auth/console-auth.controller.js';
import { ConsoleKeysController } from './console-auth/console-keys.controller.js';
import { DeadLetterQueryService } from './dead-letters/dead-letter-query.service.js';
import { DeadLetterTriageService } from './dead-letters/dead-letter-triage.service.js';
import { DeadLettersController } from './dead-letters/dead-letters.controller.js';
import { EventQueryService } from './events/event-query.service.js';
import { EventReplayService } from './events/event-replay.service.js';
import { EventTreeService } from './events/event-tree.service.js';
import { EventsController } from './events/events.controller.js';
import { HealthController } from './health/health.controller.js';
import { ProblemDetailsFilter } from './http/problem-details.filter.js';
import { ApiGauges } from './metrics/api-gauges.js';
import { LagSampler } from './metrics/lag-sampler.js';
import { MetricsController } from './metrics/metrics.controller.js';
import { OperationsController } from './operations/operations.controller.js';
import { QueueInspector } from './queues/queue-inspector.js';
import { QueueSnapshots } from './queues/queue-snapshots.js';
import { QueuesController } from './queues/queues.controller.js';
import { RoutesController } from './routes/routes.controller.js';
import { RouteListing } from './routes/route-listing.js';
import { RouteRetirement } from './routes/route-retirement.js';
import { SchedulesController } from './schedules/schedules.controller.js';
import { StreamController } from './stream/stream.controller.js';

/** The API's module: it routes and validates from the route registry, and holds no app code. */
export interface ApiModuleOptions {
  config: ApiConfig;
}

@Module({})
export class ApiModule {
  static forRoot(options: ApiModuleOptions): DynamicModule {
    return {
      module: ApiModule,
      imports: [
        PlatformModule.forRoot({ config: options.config.switchyard }),
        DiscoveryModule,
        IngestModule,
        OperationsModule,
        SchedulesModule,
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
        // What the controllers serve: reads of events and dead letters, operators' actions (audited),
        // queues' live view and the gauges and lag samples of the time series.
        AuditLog,
        DeadLetterEvents,
        DeadLetterQueryService,
        DeadLetterTriageService,
        EventQueryService,
        EventTreeService,
        EventReplayService,
        QueueInspector,
        QueueSnapshots,
        TimeSeriesReader,
        LagSampler,
        ApiGauges,
        RouteListing,
        RouteRetirement,
      ],
    };
  }
}
