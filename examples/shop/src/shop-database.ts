import type { OnApplicationShutdown } from '@nestjs/common';
import { PrismaPg } from '@prisma/adapter-pg';
import { type Prisma, PrismaClient } from './generated/prisma/client.js';

/**
 * The shop's own Prisma client (generated from prisma/schema.prisma), on a
 * pool of its own. Its handlers write through it: the app gives
 * `prismaTransactions(database)` to Switchyard, so `ctx.once()` opens its
 * transactions here, and Switchyard writes its guard row and the emitted
 * events in the same ones (the shop's tables live in Switchyard's database).
 */
export class ShopDatabase extends PrismaClient implements OnApplicationShutdown {
  constructor(options: { url: string; poolSize?: number }) {
    // Unnamed statements (no statementNameGenerator): safe behind a transaction-mode PgBouncer.
    super({ adapter: new PrismaPg({ connectionString: options.url, max: options.poolSize ?? 5, idleTimeoutMillis: 30_000 }) });
  }

  // The last shutdown phase: the app's workers have stopped and no longer write.
  async onApplicationShutdown(): Promise<void> {
    await this.$disconnect();
  }
}

/** What `ctx.once()` hands the shop's handlers: an interactive transaction of the shop's client. */
export type ShopTransaction = Prisma.TransactionClient;
