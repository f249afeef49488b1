import { defineConfig } from 'prisma/config';

// The CLI reads this file; the apps read DATABASE_URL through their own config.
// Its migrations need a session (an advisory lock, DDL), so it connects to
// DATABASE_DIRECT_URL (Postgres itself) when DATABASE_URL goes through PgBouncer.
//
// `prisma migrate deploy` keeps its record, `_prisma_migrations`, in the schema
// this URL's `?schema=` names (public without it), and creates that schema if
// missing. Switchyard's record lives beside its tables, in `switchyard`, where
// our own migrator (npm run db:migrate) keeps it too: either tool sees what
// the other applied.
const url = new URL(process.env.DATABASE_DIRECT_URL || process.env.DATABASE_URL || 'postgresql://postgres@127.0.0.1:5432/switchyard');
url.searchParams.set('schema', 'switchyard');

export default defineConfig({
  schema: 'prisma/schema',
  migrations: {
    path: 'prisma/migrations',
  },
  datasource: {
    url: url.toString(),
  },
});
