import { applyMigrations, ensureDatabase, migrateSwitchyard } from '@switchyard/server/internal';
import { join } from 'node:path';
import { Client } from 'pg';
import { testDatabaseUrl } from './test-env.js';

/** The example shop's migrations: its tables, in its own schema, as `npm run db:migrate` applies them. */
const SHOP_MIGRATIONS = join(__dirname, '..', '..', 'examples', 'shop', 'prisma', 'migrations');

/** The schemas specs write to: Switchyard's tables, the example shop's, and fixtures' own (public). */
const SCHEMAS = ['switchyard', 'shop', 'public'];

/** Creates and migrates the test database, Switchyard's tables and the shop's (once per run; `npm test` does it before any spec). */
export async function prepareTestDatabase(url: string): Promise<void> {
  await ensureDatabase(url);
  await migrateSwitchyard(url);
  await applyMigrations(url, SHOP_MIGRATIONS, { schema: 'shop' });
}

/**
 * Empties every table but the migrations' records and the installation's id,
 * then inserts `seed` rows (keyed by table: `shop.stock_items`). Spec files
 * call it first: they share the database and run one after another.
 */
export async function resetDatabase(url: string, seed: Record<string, Array<Record<string, unknown>>> = {}): Promise<void> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    const { rows } = await client.query<{ name: string }>(
      `SELECT format('%I.%I', schemaname, tablename) AS name FROM pg_tables
       WHERE schemaname = ANY($1) AND tablename <> '_prisma_migrations'
         AND NOT (schemaname = 'switchyard' AND tablename = 'installation')`,
      [SCHEMAS],
    );
    await client.query(`TRUNCATE ${rows.map((row) => row.name).join(', ')} RESTART IDENTITY CASCADE`);
    for (const [table, rows] of Object.entries(seed)) {
      const name = table.split('.').map((part) => `"${part}"`).join('.');
      for (const row of rows) {
        const columns = Object.keys(row);
        await client.query(
          `INSERT INTO ${name} (${columns.map((column) => `"${column}"`).join(', ')}) VALUES (${columns.map((_, i) => `$${i + 1}`).join(', ')})`,
          Object.values(row),
        );
      }
    }
  } finally {
    await client.end();
  }
}

/** Runs one query against `url` and returns its rows: for assertions on what was stored. */
export async function queryRows<T extends Record<string, unknown>>(url: string, sql: string, params: unknown[] = []): Promise<T[]> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query<T>(sql, params)).rows;
  } finally {
    await client.end();
  }
}

/**
 * A database of the caller's own beside the test database (its name plus
 * `_<suffix>`), dropped first if a crashed run left it: for specs about
 * migrations or a second database. `drop()` removes it.
 */
export async function scratchDatabase(suffix: string): Promise<{ url: string; drop: () => Promise<void> }> {
  const url = new URL(testDatabaseUrl());
  url.pathname = `${url.pathname}_${suffix}`;
  const admin = new URL(url);
  admin.pathname = '/postgres';
  const drop = () => queryRows(admin.toString(), `DROP DATABASE IF EXISTS "${decodeURIComponent(url.pathname.slice(1))}" WITH (FORCE)`).then(() => undefined);
  await drop();
  await ensureDatabase(url.toString());
  return { url: url.toString(), drop };
}
