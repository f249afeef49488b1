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
 * The example shop as its own apps run it (examples/shop/src/main): its
 * module on a client of its own, and that client's transactions for
 * ctx.once(); `extra` modules run beside it, writing through the same ones.
 */
export function shopApp(env: Record<string, string | undefined>, ...extra: Array<Type | DynamicModule>): AppHandlers {
  const shop = new ShopDatabase({ url: env.DATABASE_URL ?? '', poolSize: Number(env.DATABASE_POOL_SIZE ?? 5) });
  return { handlers: [CommerceModule.forRoot(loadConfig(commerceEnvSchema, env), shop), ...extra], transactions: prismaTransactions(shop) };
}
