// `npm run db:migrate`: creates the database if needed and applies migrations.
import { join } from 'node:path';
import { applyMigrations, ensureDatabase } from '../../db/migrations.js';

// Migrations hold a session advisory lock from start to end (so two deploys
// never migrate at once) and run DDL: through a transaction-mode PgBouncer the
// lock would be taken on one server connection and the rest sent to others.
// DATABASE_DIRECT_URL names Postgres itself; unset, DATABASE_URL is direct.
const url = process.env.DATABASE_DIRECT_URL || process.env.DATABASE_URL || 'postgresql://postgres@127.0.0.1:5432/switchyard';
const dir = join(__dirname, '..', '..', 'prisma', 'migrations');

async function main(): Promise<void> {
  await ensureDatabase(url);
  const applied = await applyMigrations(url, dir);
  console.log(applied.length ? `applied ${applied.join(', ')}` : 'database is up to date');
}

main().catch((error: Error) => {
  console.error(`db:migrate failed for ${redact(url)}: ${error.message}`);
  process.exit(1);
});

function redact(raw: string): string {
  try {
    const parsed = new URL(raw);
    if (parsed.password) parsed.password = '***';
    return parsed.toString();
  } catch {
    return raw;
  }
}
