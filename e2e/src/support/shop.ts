import type { DynamicModule, Type } from '@nestjs/common';
import type { TransactionAdapter } from '@switchyard/core';
import { prismaTransactions } from '@switchyard/core/prisma';
import { CommerceModule, commerceEnvSchema, ShopDatabase } from '@switchyard/example-shop';
import { loadConfig } from '@switchyard/server/internal';

/** An app's handler modules and where their ctx.once() writes (default: Switchyard's database). */
export interface AppHandlers {
  handlers: Array<Type | DynamicModule>;
  transactions?: TransactionAdapter<unknown>;
}

/**
 * The example shop's handlers as its own apps run them (ShopModule, without
 * the declaration: the stack gives the catalog): its module on a client of
 * its own, and that client's transactions for ctx.once(); `extra` modules
 * run beside it, writing through the same ones.
 */
export function shopApp(env: Record<string, string | undefined>, ...extra: Array<Type | DynamicModule>): AppHandlers {
  const commerce = loadConfig(commerceEnvSchema, env);
  const shop = new ShopDatabase({ url: commerce.DATABASE_URL, poolSize: commerce.DATABASE_POOL_SIZE });
  return { handlers: [CommerceModule.forRoot(commerce, shop), ...extra], transactions: prismaTransactions(shop) };
}
