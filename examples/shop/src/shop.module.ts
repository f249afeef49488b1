import { DynamicModule, Module } from '@nestjs/common';
import { SwitchyardModule } from '@switchyard/core';
import { prismaTransactions } from '@switchyard/core/prisma';
import type { CommerceEnv } from './commerce-config.js';
import { CommerceModule } from './commerce.module.js';
import { commerceEvents } from './events/index.js';
import { ShopDatabase } from './shop-database.js';

/**
 * The shop as Switchyard runs it: its event catalog, declared once, its
 * handlers, and where their `ctx.once()` writes: a transaction of the shop's
 * own Prisma client, on the shop's tables (schema `shop` of Switchyard's
 * database), so its effects, Switchyard's guard row and the events it emits
 * commit together. The API and the worker run this one module
 * (main/api.main.ts, main/worker.main.ts), as any team's app does; the API's
 * client never connects (it runs no handlers).
 */
@Module({})
export class ShopModule {
  static forRoot(env: CommerceEnv): DynamicModule {
    const shop = new ShopDatabase({ url: env.DATABASE_URL, poolSize: env.DATABASE_POOL_SIZE });
    return {
      module: ShopModule,
      imports: [SwitchyardModule.forRoot({ events: commerceEvents, transactions: prismaTransactions(shop) }), CommerceModule.forRoot(env, shop)],
    };
  }
}
