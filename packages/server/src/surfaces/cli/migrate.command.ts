// `switchyard migrate`: creates the database if needed and applies Switchyard's migrations.
import { ensureDatabase, migrateSwitchyard } from '../../db/index.js';
import { ConfigError } from '../../foundation/config/core-config.js';
import { redactUrl } from '../../foundation/connections/redact-url.js';
import { type Command, parseOptions } from './admin-cli.js';

const USAGE = `Usage:
  switchyard migrate [--guard-only]
Creates the database if it does not exist and applies Switchyard's own
migrations: its tables, all in the Postgres schema \`switchyard\`, recorded in
switchyard._prisma_migrations (an app's tables are the app's migrations' to
make). Safe to run on every deploy and from several places at once: a
Postgres advisory lock lets one run at a time, and applied migrations are
skipped. Reads DATABASE_DIRECT_URL, else DATABASE_URL: migrations hold a
session lock and run DDL, which a transaction-mode PgBouncer cannot carry.
  --guard-only   only the idempotency guard's tables, for an app database
                 that is not Switchyard's but where its handlers' ctx.once()
                 writes (its transactions adapter opens them there)`;

async function migrate(argv: string[], env: Record<string, string | undefined> = process.env): Promise<number> {
  const values = parseOptions(argv, { usage: USAGE, options: { 'guard-only': { type: 'boolean' } } });
  if (!values) return 0;
  const guardOnly = values['guard-only'] ?? false;
  const url = env.DATABASE_DIRECT_URL || env.DATABASE_URL || 'postgresql://postgres@127.0.0.1:5432/switchyard';
  try {
    new URL(url);
  } catch {
    throw new ConfigError(`${env.DATABASE_DIRECT_URL ? 'DATABASE_DIRECT_URL' : 'DATABASE_URL'} is not a URL such as postgresql://user:password@host:5432/database`);
  }
  try {
    await ensureDatabase(url);
    const applied = await migrateSwitchyard(url, { guardOnly });
    console.log(applied.length ? `applied ${applied.join(', ')}` : 'database is up to date');
    return 0;
  } catch (error) {
    console.error(`switchyard migrate failed for ${redactUrl(url)}: ${(error as Error).message}`);
    return 1;
  }
}

/** `switchyard migrate`: Switchyard's tables, created or brought up to date. */
export const migrateCommand: Command = {
  usage: USAGE,
  run: (argv) => migrate(argv),
};
