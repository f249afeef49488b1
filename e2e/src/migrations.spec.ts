// Switchyard's migrations against a real Postgres: every table in the
// `switchyard` schema, recorded in switchyard._prisma_migrations, and the
// guard-only set for a team database that is not Switchyard's.
import { migrateSwitchyard } from '@switchyard/server/internal';
import { queryRows, scratchDatabase } from '@switchyard/testing';
import assert from 'node:assert/strict';
import { Client } from 'pg';
import { after, before, describe, it } from 'node:test';

describe("Switchyard's migrations", () => {
  let scratch: Awaited<ReturnType<typeof scratchDatabase>>;
  const tables = async (schema: string) =>
    (await queryRows<{ tablename: string }>(scratch.url, 'SELECT tablename FROM pg_tables WHERE schemaname = $1 ORDER BY tablename', [schema])).map((row) => row.tablename);
  const installationId = async () => (await queryRows<{ id: string }>(scratch.url, 'SELECT id::text AS id FROM switchyard.installation'))[0]?.id;

  before(async () => {
    scratch = await scratchDatabase('migrations');
  });
  after(() => scratch?.drop());

  it('the guard-only set makes the guard table and an installation id, recorded in switchyard._prisma_migrations', async () => {
    assert.deepEqual(await migrateSwitchyard(scratch.url, { guardOnly: true }), ['20261207000000_switchyard_guard']);
    assert.deepEqual(await tables('switchyard'), ['_prisma_migrations', 'installation', 'processed_keys']);
    assert.deepEqual(await tables('public'), [], 'nothing lands in public');
    assert.match((await installationId()) ?? '', /^[0-9a-f-]{36}$/);
  });

  it('the whole set follows on the same database, keeping its installation id, then has nothing left to apply', async () => {
    const id = await installationId();
    assert.deepEqual(await migrateSwitchyard(scratch.url), ['20261207000000_switchyard', '20261207120000_route_registry', '20261207130000_event_type_schemas', '20261207140000_registry_serving']);
    assert.deepEqual(await migrateSwitchyard(scratch.url), []);
    const platform = await tables('switchyard');
    for (const table of ['events', 'jobs', 'dead_letters', 'processed_keys', 'installation', 'schedules', 'api_keys', 'console_users', 'routes', 'route_workers', 'event_type_schemas', 'event_types', 'registry_revision']) {
      assert.ok(platform.includes(table), `switchyard.${table}`);
    }
    assert.deepEqual(await tables('public'), []);
    assert.equal(await installationId(), id);
    assert.deepEqual(
      (await queryRows<{ migration_name: string }>(scratch.url, 'SELECT migration_name FROM switchyard._prisma_migrations ORDER BY migration_name')).map((row) => row.migration_name),
      ['20261207000000_switchyard', '20261207000000_switchyard_guard', '20261207120000_route_registry', '20261207130000_event_type_schemas', '20261207140000_registry_serving'],
    );
  });

  it('functions and triggers name their tables: they work with an empty search_path', async () => {
    const client = new Client({ connectionString: scratch.url });
    await client.connect();
    try {
      await client.query("BEGIN; SET LOCAL search_path = ''");
      const { rows } = await client.query(
        `SELECT switchyard.switchyard_redact($1::jsonb, '[["card", "token"], ["n", "[]", "pin"]]'::jsonb) AS masked`,
        [JSON.stringify({ card: { token: 't' }, n: [{ pin: 1 }] })],
      );
      assert.deepEqual(rows[0].masked, { card: { token: '[redacted]' }, n: [{ pin: '[redacted]' }] });
      await client.query(
        `INSERT INTO switchyard.dead_letters (id, job_id, event_id, event_type, handler, queue, payload, error_name, error_message, attempts_made, first_failed_at, last_failed_at, fingerprint)
         VALUES (gen_random_uuid(), 'j', gen_random_uuid(), 't', 'h', 'q', '{}', 'Error', 'boom', 1, now(), now(), 'f')`,
      );
      assert.deepEqual((await client.query('SELECT status, n::int AS n FROM switchyard.dead_letter_counts')).rows, [{ status: 'open', n: 1 }]);
      assert.deepEqual((await client.query('SELECT * FROM switchyard.switchyard_release_keys(ARRAY[]::text[])')).rows, []);
    } finally {
      await client.query('ROLLBACK').catch(() => undefined);
      await client.end();
    }
  });
});
