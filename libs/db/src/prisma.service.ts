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
}

export const DB_OPTIONS = Symbol('DB_OPTIONS');

/**
 * The Prisma client, connected through @prisma/adapter-pg (node-postgres), so
 * queries run on a plain pg pool without Prisma's query engine binary.
 */
@Injectable()
export class PrismaService extends PrismaClient implements OnApplicationShutdown {
  constructor(options: DbOptions) {
    super({
      adapter: new PrismaPg(
        resilientPool({
          connectionString: options.url,
          max: options.poolSize,
          // A statement stuck behind a lock must not hold a pool slot forever.
          idleTimeoutMillis: 30_000,
        }),
        { disposeExternalPool: true },
      ),
    });
  }

  // The last shutdown phase: workers and the relay stop before, and may still write.
  async onApplicationShutdown(): Promise<void> {
    await this.$disconnect();
  }
}

/** The client handed to `ctx.once()` callbacks and other transactional code. */
export type TransactionClient = Omit<
  PrismaClient,
  '$connect' | '$disconnect' | '$on' | '$transaction' | '$extends'
>;
