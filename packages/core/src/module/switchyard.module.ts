import { type DynamicModule, Module } from '@nestjs/common';
import type { TransactionAdapter } from '../transactions/transaction-adapter.js';
import { checkEventCatalog, type EventCatalog } from './event-catalog.js';

/** What an app declares to Switchyard with `SwitchyardModule.forRoot`. */
export interface SwitchyardModuleOptions {
  /** The event types the app accepts and emits, each with the schema of its `data`. */
  events: EventCatalog;
  /**
   * Where `ctx.once()` runs a handler's effects: the transactions adapter of
   * the app's own data-access library (`prismaTransactions(prisma)` from
   * `@switchyard/core/prisma`, `pgTransactions(pool)` from
   * `@switchyard/core/pg`, or one of the app's), which decides what `tx` is.
   * Unset: `pgTransactions` over Switchyard's own pool, so `tx` is a pg
   * client on Switchyard's database (DATABASE_URL).
   */
  transactions?: TransactionAdapter<unknown>;
}

/**
 * The injection token of the app's SwitchyardModuleOptions. A registered
 * symbol (Symbol.for), so Switchyard's server finds the declaration even when
 * npm installed a second copy of this package.
 */
export const SWITCHYARD_OPTIONS: unique symbol = Symbol.for('switchyard.module-options');

/**
 * Declares an app to Switchyard: the app's root Nest module imports
 * `SwitchyardModule.forRoot({ events })` beside the modules of its handlers,
 * and `switchyard api --app …` / `switchyard worker --app …` (or `createApi`
 * / `createWorker` of @switchyard/server) run that module:
 *
 * ```ts
 * @Module({ imports: [SwitchyardModule.forRoot({ events }), BillingModule] })
 * export class AppModule {}
 * ```
 *
 * It only declares: it provides the options under `SWITCHYARD_OPTIONS` and
 * starts nothing. Handler modules stay ordinary Nest modules whose providers
 * are `@EventHandler` classes. Throws at once when the catalog declares a
 * type under `switchyard.`, which are Switchyard's own events.
 */
@Module({})
export class SwitchyardModule {
  static forRoot(options: SwitchyardModuleOptions): DynamicModule {
    checkEventCatalog(options.events);
    return {
      module: SwitchyardModule,
      global: true,
      providers: [{ provide: SWITCHYARD_OPTIONS, useValue: options }],
      exports: [SWITCHYARD_OPTIONS],
    };
  }
}
