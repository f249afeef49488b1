import { DynamicModule, Global, Module } from '@nestjs/common';
import { PgPool } from './pg-pool.js';
import { DB_OPTIONS, DbOptions, PrismaService } from './prisma.service.js';

/** Provides one PrismaService per app, connected with the app's validated options. */
@Global()
@Module({})
export class DbModule {
  static forRoot(options: DbOptions): DynamicModule {
    return {
      module: DbModule,
      providers: [
        { provide: DB_OPTIONS, useValue: options },
        { provide: PrismaService, useFactory: () => new PrismaService(options) },
        // The hot path's own pool, as large as Prisma's: ingest's statements are
        // long (a whole batch) and must not queue behind each other.
        { provide: PgPool, useFactory: () => new PgPool(options) },
      ],
      exports: [DB_OPTIONS, PrismaService, PgPool],
    };
  }
}
