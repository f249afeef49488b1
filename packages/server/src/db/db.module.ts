import { DynamicModule, Global, Module, type Provider } from '@nestjs/common';
import { PgPool } from './pg-pool.js';
import { DB_OPTIONS, DbOptions, PrismaService } from './prisma.service.js';
import { ReadPrismaService } from './read-prisma.service.js';

/**
 * Provides one PrismaService per app, connected with the app's validated
 * options, and a ReadPrismaService: the replica's client when `readUrl` is
 * set, else an alias of PrismaService (one pool, closed once).
 */
@Global()
@Module({})
export class DbModule {
  static forRoot(options: DbOptions): DynamicModule {
    const readUrl = options.readUrl;
    const read: Provider = readUrl
      ? { provide: ReadPrismaService, useFactory: () => new ReadPrismaService(readUrl, options.poolSize) }
      : { provide: ReadPrismaService, useExisting: PrismaService };
    return {
      module: DbModule,
      providers: [
        { provide: DB_OPTIONS, useValue: options },
        { provide: PrismaService, useFactory: () => new PrismaService(options) },
        read,
        // The hot path's own pool, as large as Prisma's: ingest's statements are
        // long (a whole batch) and must not queue behind each other.
        { provide: PgPool, useFactory: () => new PgPool(options) },
      ],
      exports: [DB_OPTIONS, PrismaService, ReadPrismaService, PgPool],
    };
  }
}
