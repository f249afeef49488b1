import { DynamicModule, Module, Type } from '@nestjs/common';
import type { TransactionAdapter } from '@switchyard/core';
import type { EventCatalog } from '../../pipeline/events/event-catalog.js';
import { RunnerModule } from '../../pipeline/runner/runner.module.js';
import { SchedulesModule } from '../../pipeline/schedules/schedules.module.js';
import { PlatformModule } from '../../pipeline/platform.module.js';
import { METRICS_LISTEN, MetricsServer } from './metrics-server.js';
import type { WorkerConfig } from './worker-config.js';

export interface WorkerModuleOptions {
  config: WorkerConfig;
  events: EventCatalog;
  /** Modules holding the @EventHandler classes this process runs. */
  handlers: Array<Type | DynamicModule>;
  /**
   * Where handlers' ctx.once() opens its transactions (their own database and
   * data-access library); default: Switchyard's database through its pg pool.
   * See SwitchyardModuleOptions.transactions.
   */
  transactions?: TransactionAdapter<unknown>;
}

@Module({})
export class WorkerModule {
  static forRoot(options: WorkerModuleOptions): DynamicModule {
    return {
      module: WorkerModule,
      imports: [
        PlatformModule.forRoot({ config: options.config.switchyard, events: options.events, handlers: options.handlers, transactions: options.transactions }),
        RunnerModule,
        SchedulesModule,
        ...options.handlers,
      ],
      providers: [{ provide: METRICS_LISTEN, useValue: { port: options.config.env.METRICS_PORT, host: options.config.env.METRICS_HOST } }, MetricsServer],
    };
  }
}
