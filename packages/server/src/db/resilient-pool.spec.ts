import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Pool } from 'pg';
import { resilientPool } from './resilient-pool.js';

const url = process.env.TEST_DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/switchyard_test';

describe('resilientPool', () => {
  it('survives Postgres ending a connection that is checked out, and serves the next query on a new one', async () => {
    const pool = resilientPool({ connectionString: url, max: 2 });
    const admin = new Pool({ connectionString: url, max: 1 });
    try {
      // Checked out, as between a transaction's statements: pg-pool does not listen then.
      const client = await pool.connect();
      const [{ pid }] = (await client.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows;
      await admin.query('SELECT pg_terminate_backend($1)', [pid]);
      // Without the listener the 'error' event is unhandled and the process (this test runner) dies here.
      await new Promise((resolve) => setTimeout(resolve, 300));
      await assert.rejects(client.query('SELECT 1'));
      client.release(true);
      const [{ ok }] = (await pool.query<{ ok: number }>('SELECT 1 AS ok')).rows;
      assert.equal(ok, 1);
    } finally {
      await pool.end();
      await admin.end();
    }
  });
});
