// @switchyard/core/prisma: ctx.once() in the team's own Prisma client.
import type { SqlExecutor, TransactionAdapter } from './transaction-adapter.js';

/** What prismaTransactions needs of a transaction: raw queries (Switchyard's own rows). */
export interface PrismaRawQueries {
  $queryRawUnsafe<T = unknown>(query: string, ...values: unknown[]): PromiseLike<T>;
}

/**
 * What prismaTransactions needs of a Prisma client: interactive transactions.
 * Any client `prisma generate` makes has it; nothing here depends on one.
 */
export interface PrismaInteractiveTransactions<TTx extends PrismaRawQueries> {
  $transaction<R>(fn: (tx: TTx) => Promise<R>, options?: { maxWait?: number; timeout?: number }): PromiseLike<R>;
}

/** Prisma's interactive-transaction limits, in milliseconds. */
export interface PrismaTransactionOptions {
  /** How long to wait for a connection; default 30 s. */
  maxWait?: number;
  /** How long the transaction may run before Prisma rolls it back; default 120 s. */
  timeout?: number;
}

/**
 * Transactions in the team's own generated Prisma client: `tx` is the
 * client's interactive-transaction client, with the team's models
 * (`tx.account.update(…)`), so a handler's context is
 * `HandlerContext<Prisma.TransactionClient>` (`Prisma` from the team's client).
 *
 * ```ts
 * const prisma = new PrismaClient({ adapter: new PrismaPg({ connectionString: process.env.DATABASE_URL }) });
 * @Module({ imports: [SwitchyardModule.forRoot({ events, transactions: prismaTransactions(prisma) }), BillingModule] })
 * export class AppModule {}
 * ```
 *
 * The limits suit handlers, which call slow things: Prisma's own defaults
 * (2 s to get a connection, 5 s to run) are for web requests.
 */
export function prismaTransactions<TTx extends PrismaRawQueries>(
  prisma: PrismaInteractiveTransactions<TTx>,
  options: PrismaTransactionOptions = {},
): TransactionAdapter<TTx> {
  const limits = { maxWait: options.maxWait ?? 30_000, timeout: options.timeout ?? 120_000 };
  return {
    transaction<T>(work: (tx: TTx, sql: SqlExecutor) => Promise<T>): Promise<T> {
      return Promise.resolve(
        prisma.$transaction((tx) => work(tx, (text, values) => Promise.resolve(tx.$queryRawUnsafe<Array<Record<string, unknown>>>(text, ...values))), limits),
      );
    },
  };
}
