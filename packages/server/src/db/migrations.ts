import { createHash, randomUUID } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Client } from 'pg';

/** The Postgres schema that holds every Switchyard table, and the record of its migrations. */
export const SWITCHYARD_SCHEMA = 'switchyard';

const PRISMA_DIR = join(__dirname, '..', '..', 'prisma');

/**
 * Applies `<migrationsDir>/<name>/migration.sql` files that are not applied
 * yet, in name order, each in its own transaction, and records each in
 * `<schema>._prisma_migrations` (the schema is created if missing) exactly
 * as `prisma migrate deploy` does: same table, checksum and advisory lock.
 *
 * `prisma migrate deploy` keeps that table in the schema named by the
 * connection URL's `?schema=` (default public): with Prisma 7 that is the
 * datasource `url` in prisma.config.ts, so a team that runs Switchyard's
 * migrations with Prisma's CLI sets `?schema=switchyard` there, and either
 * tool sees the other's record. We need our own because the Prisma CLI's
 * schema engine is a native binary downloaded at install time, which is not
 * always possible.
 *
 * Teams may use it for their own migrations too, in a schema of their own
 * (`{ schema: 'app' }`): their record then stays apart from Switchyard's.
 */
export async function applyMigrations(url: string, migrationsDir: string, options: { schema: string }): Promise<string[]> {
  const record = `${quoteIdentifier(options.schema)}."_prisma_migrations"`;
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    // The advisory lock key Prisma's schema engine takes for migrations.
    await client.query('SELECT pg_advisory_lock(72707369)');
    await client.query(`CREATE SCHEMA IF NOT EXISTS ${quoteIdentifier(options.schema)}`);
    await client.query(`
      CREATE TABLE IF NOT EXISTS ${record} (
        "id" VARCHAR(36) PRIMARY KEY NOT NULL,
        "checksum" VARCHAR(64) NOT NULL,
        "finished_at" TIMESTAMPTZ,
        "migration_name" VARCHAR(255) NOT NULL,
        "logs" TEXT,
        "rolled_back_at" TIMESTAMPTZ,
        "started_at" TIMESTAMPTZ NOT NULL DEFAULT now(),
        "applied_steps_count" INTEGER NOT NULL DEFAULT 0
      )`);
    const { rows } = await client.query<{ migration_name: string; finished_at: Date | null }>(
      `SELECT migration_name, finished_at FROM ${record} WHERE rolled_back_at IS NULL`,
    );
    const failed = rows.find((row) => row.finished_at === null);
    if (failed) {
      throw new Error(
        `Migration ${failed.migration_name} started earlier but never finished. ` +
          'Inspect the database, then mark it rolled back or applied (prisma migrate resolve).',
      );
    }
    const applied = new Set(rows.map((row) => row.migration_name));
    const names = (await readdir(migrationsDir, { withFileTypes: true }))
      .filter((entry) => entry.isDirectory())
      .map((entry) => entry.name)
      .sort();
    const done: string[] = [];
    for (const name of names) {
      if (applied.has(name)) continue;
      const script = await readFile(join(migrationsDir, name, 'migration.sql'), 'utf8');
      const checksum = createHash('sha256').update(script).digest('hex');
      const id = randomUUID();
      await client.query('BEGIN');
      try {
        await client.query(`INSERT INTO ${record} (id, checksum, migration_name, started_at) VALUES ($1, $2, $3, now())`, [id, checksum, name]);
        await client.query(script);
        await client.query(`UPDATE ${record} SET finished_at = now(), applied_steps_count = 1 WHERE id = $1`, [id]);
        await client.query('COMMIT');
      } catch (error) {
        await client.query('ROLLBACK');
        throw new Error(`Migration ${name} failed: ${(error as Error).message}`);
      }
      done.push(name);
    }
    return done;
  } finally {
    await client.query('SELECT pg_advisory_unlock(72707369)').catch(() => undefined);
    await client.end();
  }
}

/**
 * Applies Switchyard's migrations to the database at `url` (Postgres itself,
 * not a transaction-mode PgBouncer: they hold a session lock). `guardOnly`:
 * only the idempotency guard's tables, for a team database that is not
 * Switchyard's but where handlers' ctx.once() writes (docs/handlers.md,
 * "Handlers on your own database").
 */
export function migrateSwitchyard(url: string, options: { guardOnly?: boolean } = {}): Promise<string[]> {
  return applyMigrations(url, join(PRISMA_DIR, options.guardOnly ? 'guard-migrations' : 'migrations'), { schema: SWITCHYARD_SCHEMA });
}

/** Creates the database named in `url` if it does not exist (connecting to `postgres`). */
export async function ensureDatabase(url: string): Promise<void> {
  const target = new URL(url);
  const name = decodeURIComponent(target.pathname.replace(/^\//, ''));
  if (!name) return;
  const admin = new URL(url);
  admin.pathname = '/postgres';
  const client = new Client({ connectionString: admin.toString() });
  await client.connect();
  try {
    const { rowCount } = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    if (!rowCount) await client.query(`CREATE DATABASE ${quoteIdentifier(name)}`);
  } finally {
    await client.end();
  }
}

function quoteIdentifier(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}
