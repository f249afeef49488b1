// `npm run db:migrate`, second step: the shop's own tables (prisma/migrations,
// in the `shop` schema, recorded in shop._prisma_migrations) with Switchyard's
// migrator, as a team without Prisma's CLI would. Switchyard's tables come first
// (packages/server's migrate). Same URLs: DATABASE_DIRECT_URL, else DATABASE_URL.
import { applyMigrations, ensureDatabase } from '@switchyard/server';
import { SHOP_MIGRATIONS } from './shop-migrations.js';

const url = process.env.DATABASE_DIRECT_URL || process.env.DATABASE_URL || 'postgresql://postgres@127.0.0.1:5432/switchyard';

async function main(): Promise<void> {
  await ensureDatabase(url);
  const applied = await applyMigrations(url, SHOP_MIGRATIONS.dir, { schema: SHOP_MIGRATIONS.schema });
  console.log(applied.length ? `shop: applied ${applied.join(', ')}` : 'shop: database is up to date');
}

main().catch((error: Error) => {
  console.error(`shop migrations failed: ${error.message}`);
  process.exit(1);
});
