import { applyMigrations, ensureDatabase } from '@switchyard/server/internal';
import { join } from 'node:path';
import { Client } from 'pg';

const MIGRATIONS = join(__dirname, '..', '..', 'packages', 'server', 'prisma', 'migrations');

/** Creates and migrates the test database (once per run; `npm test` does it before any spec). */
export async function prepareTestDatabase(url: string): Promise<void> {
  await ensureDatabase(url);
  await applyMigrations(url, MIGRATIONS);
}

/**
 * Empties every table but the migrations record, then inserts `seed` rows.
 * Spec files call it first: they share the database and run one after another.
 */
export async function resetDatabase(url: string, seed: Record<string, Array<Record<string, unknown>>> = {}): Promise<void> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    const { rows } = await client.query<{ tablename: string }>(
      "SELECT tablename FROM pg_tables WHERE schemaname = 'public' AND tablename <> '_prisma_migrations'",
    );
    await client.query(`TRUNCATE ${rows.map((row) => `"${row.tablename}"`).join(', ')} RESTART IDENTITY CASCADE`);
    for (const [table, rows] of Object.entries(seed)) {
      for (const row of rows) {
        const columns = Object.keys(row);
        await client.query(
          `INSERT INTO "${table}" (${columns.map((column) => `"${column}"`).join(', ')}) VALUES (${columns.map((_, i) => `$${i + 1}`).join(', ')})`,
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
