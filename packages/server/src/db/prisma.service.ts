import { Injectable, OnApplicationShutdown } from '@nestjs/common';
import { PrismaPg } from '@prisma/adapter-pg';
import { PrismaClient } from './generated/prisma/client.js';
import { resilientPool } from './resilient-pool.js';

/** Where and how to connect; given once by the app's validated config. */
export interface DbOptions {
  /** postgresql:// URL. */
  url: string;
  /** Connections in this process's pool. */
  poolSize: number;
  /**
   * A read replica for read-only console queries (ReadPrismaService);
   * unset or null: they run on `url`.
   */
  readUrl?: string | null;
  /**
   * Whether PgPool may use named (server-side prepared) statements; default
   * true. false behind a transaction-mode PgBouncer, which hands each
   * transaction to any server connection, where a statement prepared on
   * another one does not exist.
   */
  preparedStatements?: boolean;
}

export const DB_OPTIONS = Symbol('DB_OPTIONS');

/**
 * The Prisma client, connected through @prisma/adapter-pg (node-postgres), so
 * queries run on a plain pg pool without Prisma's query engine binary.
 */
@Injectable()
export class PrismaService extends PrismaClient implements OnApplicationShutdown {
  constructor(options: DbOptions) {
    super({ adapter: prismaAdapter(options.url, options.poolSize) });
  }

  // The last shutdown phase: workers and the relay stop before, and may still write.
  async onApplicationShutdown(): Promise<void> {
    await this.$disconnect();
  }
}

/**
 * Prisma's driver adapter on its own pool. adapter-pg sends unnamed
 * statements unless given a statement name generator, which we never give:
 * that keeps Prisma's queries safe behind a transaction-mode PgBouncer.
 */
export function prismaAdapter(url: string, poolSize: number, connectionTimeoutMillis?: number): PrismaPg {
  return new PrismaPg(
    resilientPool({
      connectionString: url,
      max: poolSize,
      // A statement stuck behind a lock must not hold a pool slot forever.
      idleTimeoutMillis: 30_000,
      ...(connectionTimeoutMillis ? { connectionTimeoutMillis } : {}),
    }),
    { disposeExternalPool: true },
  );
}

/** The client handed to `ctx.once()` callbacks and other transactional code. */
export type TransactionClient = Omit<
  PrismaClient,
  '$connect' | '$disconnect' | '$on' | '$transaction' | '$extends'
>;
