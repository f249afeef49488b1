import { defineConfig } from 'prisma/config';

// The shop's own Prisma CLI configuration: its schema, its migrations, its
// database (Switchyard's, by default: the shop's tables sit in `shop`). Its
// migrations are recorded in shop._prisma_migrations: `?schema=shop` is where
// `prisma migrate deploy` keeps them, and where `npm run db:migrate -w
// @switchyard/example-shop` (src/migrate.cli.ts) does too.
const url = new URL(process.env.DATABASE_DIRECT_URL || process.env.DATABASE_URL || 'postgresql://postgres@127.0.0.1:5432/switchyard');
url.searchParams.set('schema', 'shop');

export default defineConfig({
  schema: 'prisma/schema.prisma',
  migrations: {
    path: 'prisma/migrations',
  },
  datasource: {
    url: url.toString(),
  },
});
