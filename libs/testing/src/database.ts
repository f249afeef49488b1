import { applyMigrations, ensureDatabase } from '@switchyard/db';
import { SEED_STOCK } from '@switchyard/commerce';
import { join } from 'node:path';
import { Client } from 'pg';

const MIGRATIONS = join(__dirname, '..', '..', '..', 'prisma', 'migrations');

/** Creates and migrates the test database (once per run; `npm test` does it before any spec). */
export async function prepareTestDatabase(url: string): Promise<void> {
  await ensureDatabase(url);
  await applyMigrations(url, MIGRATIONS);
}

/**
 * Empties every table (not the migrations record) and restocks the catalogue.
 * Spec files call it first: they share the database and run one after another.
 */
export async function resetDatabase(url: string): Promise<void> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    const { rows } = await client.query<{ tablename: string }>(
      "SELECT tablename FROM pg_tables WHERE schemaname = 'public' AND tablename <> '_prisma_migrations'",
    );
    await client.query(`TRUNCATE ${rows.map((row) => `"${row.tablename}"`).join(', ')} RESTART IDENTITY CASCADE`);
    for (const item of SEED_STOCK) {
      await client.query('INSERT INTO stock_items (sku, name, available) VALUES ($1, $2, $3)', [item.sku, item.name, item.available]);
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
