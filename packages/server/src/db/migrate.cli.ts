// `npm run db:migrate`: creates the database if needed and applies Switchyard's
// migrations (its tables, in the `switchyard` schema). `-- --guard-only`: only
// the idempotency guard's tables, for a team database that is not
// Switchyard's (docs/handlers.md, "Handlers on your own database").
import { ensureDatabase, migrateSwitchyard } from './migrations.js';

// Migrations hold a session advisory lock from start to end (so two deploys
// never migrate at once) and run DDL: through a transaction-mode PgBouncer the
// lock would be taken on one server connection and the rest sent to others.
// DATABASE_DIRECT_URL names Postgres itself; unset, DATABASE_URL is direct.
const url = process.env.DATABASE_DIRECT_URL || process.env.DATABASE_URL || 'postgresql://postgres@127.0.0.1:5432/switchyard';
const guardOnly = process.argv.includes('--guard-only');

async function main(): Promise<void> {
  await ensureDatabase(url);
  const applied = await migrateSwitchyard(url, { guardOnly });
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
