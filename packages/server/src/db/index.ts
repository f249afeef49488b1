export { DbModule } from './db.module.js';
export { DB_OPTIONS, PrismaService } from './prisma.service.js';
export { ReadPrismaService } from './read-prisma.service.js';
export { PgPool } from './pg-pool.js';
export type { DbOptions, TransactionClient } from './prisma.service.js';
export { applyMigrations, ensureDatabase, migrateSwitchyard, SWITCHYARD_SCHEMA } from './migrations.js';
export { Prisma } from './generated/prisma/client.js';
export type * from './generated/prisma/models.js';
export { executorOf, inPgTransaction, limitIdleInTransaction } from './transactions.js';
