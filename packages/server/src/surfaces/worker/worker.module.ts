import { DynamicModule, Module, Type } from '@nestjs/common';
import type { EventCatalog } from '../../pipeline/events/event-catalog.js';
import { RunnerModule } from '../../pipeline/runner/runner.module.js';
import { SchedulesModule } from '../../pipeline/schedules/schedules.module.js';
import { SwitchyardModule } from '../../pipeline/switchyard.module.js';
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
        SwitchyardModule.forRoot({ config: options.config.switchyard, events: options.events, handlers: options.handlers }),
        RunnerModule,
        SchedulesModule,
        ...options.handlers,
      ],
      providers: [{ provide: METRICS_LISTEN, useValue: { port: options.config.env.METRICS_PORT, host: options.config.env.METRICS_HOST } }, MetricsServer],
    };
  }
}
