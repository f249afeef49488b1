import { defineConfig } from 'prisma/config';

// The CLI reads this file; the apps read DATABASE_URL through their own config.
export default defineConfig({
  schema: 'prisma/schema',
  migrations: {
    path: 'prisma/migrations',
    seed: 'node scripts/seed.js',
  },
  datasource: {
    url: process.env.DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/switchyard',
  },
});
