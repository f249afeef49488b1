import { DynamicModule, Global, Module } from '@nestjs/common';
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
      ],
      exports: [DB_OPTIONS, PrismaService],
    };
  }
}
