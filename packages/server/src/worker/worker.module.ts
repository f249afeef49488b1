import { DynamicModule, Module, Type } from '@nestjs/common';
import { type EventCatalog, RunnerModule, SchedulesModule, PlatformModule } from '../platform/index.js';
import { METRICS_LISTEN, MetricsServer } from './metrics-server.js';
import type { WorkerConfig } from './worker-config.js';

export interface WorkerModuleOptions {
  config: WorkerConfig;
  events: EventCatalog;
  /** Modules holding the @EventHandler classes this process runs. */
  handlers: Array<Type | DynamicModule>;
}

@Module({})
export class WorkerModule {
  static forRoot(options: WorkerModuleOptions): DynamicModule {
    return {
      module: WorkerModule,
      imports: [
        PlatformModule.forRoot({ config: options.config.switchyard, events: options.events, handlers: options.handlers }),
        RunnerModule,
        SchedulesModule,
        ...options.handlers,
      ],
      providers: [{ provide: METRICS_LISTEN, useValue: { port: options.config.env.METRICS_PORT, host: options.config.env.METRICS_HOST } }, MetricsServer],
    };
  }
}
