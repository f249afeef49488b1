import { type DynamicModule, Module, type Type } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { SwitchyardConfig } from '../../foundation/config/core-config.js';
import type { EventCatalog } from '../../pipeline/events/event-catalog.js';
import { PlatformModule } from '../../pipeline/platform.module.js';
import { RouteRegistrar } from '../../pipeline/routing/route-registrar.js';
import { SchedulesModule } from '../../pipeline/schedules/schedules.module.js';

/**
 * Declares what an app's worker declares at start, without running the
 * worker: its routes and event types in the route registry, and the
 * schedules its code declares. For Switchyard's own test, fault and
 * benchmark harnesses, which start an API before (or without) a worker.
 * What it declares outlives the call, as a stopped worker's does.
 */
export async function registerApp(options: { config: SwitchyardConfig; events: EventCatalog; handlers: Array<Type | DynamicModule> }): Promise<void> {
  @Module({})
  class RegistrationModule {}
  // Creating the context initialises it: RouteRegistrar and ScheduleDeclarations declare on bootstrap.
  const app = await NestFactory.createApplicationContext(
    {
      module: RegistrationModule,
      imports: [PlatformModule.forRoot({ config: options.config, events: options.events, handlers: options.handlers }), SchedulesModule, ...options.handlers],
      providers: [RouteRegistrar],
    },
    { logger: ['error'], abortOnError: false },
  );
  await app.close();
}
