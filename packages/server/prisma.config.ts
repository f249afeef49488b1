import { defineConfig } from 'prisma/config';

// The CLI reads this file; the apps read DATABASE_URL through their own config.
// Its migrations need a session (an advisory lock, DDL), so it connects to
// DATABASE_DIRECT_URL (Postgres itself) when DATABASE_URL goes through PgBouncer.
export default defineConfig({
  schema: 'prisma/schema',
  migrations: {
    path: 'prisma/migrations',
    seed: 'node scripts/seed.js',
  },
  datasource: {
    url: process.env.DATABASE_DIRECT_URL || process.env.DATABASE_URL || 'postgresql://postgres@127.0.0.1:5432/switchyard',
  },
});
