import { DynamicModule, Module, Type } from '@nestjs/common';
import { type EventCatalog, RunnerModule, SwitchyardModule } from '@switchyard/core';
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
      imports: [SwitchyardModule.forRoot({ config: options.config.switchyard, events: options.events }), RunnerModule, ...options.handlers],
    };
  }
}
