import { join } from 'node:path';

/** Where the shop's migrations are, and the schema that holds its tables and their record. */
export const SHOP_MIGRATIONS = { dir: join(__dirname, '..', 'prisma', 'migrations'), schema: 'shop' } as const;
