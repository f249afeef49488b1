import { DynamicModule, Module } from '@nestjs/common';
import { SwitchyardModule } from '@switchyard/core';
import type { CommerceEnv } from './commerce-config.js';
import { CommerceModule } from './commerce.module.js';
import { commerceEvents } from './events/index.js';

/**
 * The shop as Switchyard runs it: its event catalog, declared once, and its
 * handlers. The API and the worker run this one module (main/api.main.ts,
 * main/worker.main.ts), as any team's app does.
 */
@Module({})
export class ShopModule {
  static forRoot(env: CommerceEnv): DynamicModule {
    return {
      module: ShopModule,
      imports: [SwitchyardModule.forRoot({ events: commerceEvents }), CommerceModule.forRoot(env)],
    };
  }
}
