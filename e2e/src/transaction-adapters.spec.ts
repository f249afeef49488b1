// The transactions adapters of @switchyard/core against the real Postgres:
// what `transaction()` commits, what it rolls back, and that the SqlExecutor
// it hands out runs in that same transaction, through pg and through a
// Prisma client (its pg driver adapter) alike.
import type { TransactionAdapter } from '@switchyard/core';
import { pgTransactions } from '@switchyard/core/pg';
import { prismaTransactions } from '@switchyard/core/prisma';
import { PrismaService } from '@switchyard/server/internal';
import { queryRows, testDatabaseUrl } from '@switchyard/testing';
import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import { Pool } from 'pg';

const db = testDatabaseUrl();
const pool = new Pool({ connectionString: db, max: 2 });
const prisma = new PrismaService({ url: db, poolSize: 2 });
const adapters: Array<[string, TransactionAdapter<unknown>]> = [
  ['pgTransactions', pgTransactions(pool)],
  ['prismaTransactions', prismaTransactions(prisma)],
];
const notes = () => queryRows<{ note: string }>(db, 'SELECT note FROM e2e_adapter_notes ORDER BY note');
const INSERT = "INSERT INTO e2e_adapter_notes (note) VALUES ($1) RETURNING note, 42 AS answer, true AS yes, ARRAY['a', 'b'] AS list, $2::jsonb ->> 'k' AS fromJson";

before(() => queryRows(db, 'CREATE TABLE IF NOT EXISTS e2e_adapter_notes (note text PRIMARY KEY)'));
beforeEach(() => queryRows(db, 'TRUNCATE e2e_adapter_notes'));
after(async () => {
  await pool.end();
  await prisma.$disconnect();
});

for (const [name, transactions] of adapters) {
  describe(name, () => {
    it('commits what `work` wrote when it resolves, with the rows its statements returned', async () => {
      const rows = await transactions.transaction((_tx, sql) => sql(INSERT, ['kept', JSON.stringify({ k: 'vé "quoted"' })]));
      assert.deepEqual(rows, [{ note: 'kept', answer: 42, yes: true, list: ['a', 'b'], fromjson: 'vé "quoted"' }]);
      assert.deepEqual(await notes(), [{ note: 'kept' }]);
    });

    it('rolls back everything `work` wrote when it throws, and rethrows', async () => {
      await assert.rejects(
        transactions.transaction(async (_tx, sql) => {
          await sql(INSERT, ['lost', '{}']);
          throw new Error('changed my mind');
        }),
        /changed my mind/,
      );
      assert.deepEqual(await notes(), []);
    });

    it('a failing statement rejects and rolls the transaction back', async () => {
      await assert.rejects(
        transactions.transaction(async (_tx, sql) => {
          await sql(INSERT, ['first', '{}']);
          await sql(INSERT, ['first', '{}']);
        }),
      );
      assert.deepEqual(await notes(), []);
      assert.deepEqual(await transactions.transaction((_tx, sql) => sql('SELECT 1 AS ok', [])), [{ ok: 1 }], 'the connection is usable again');
    });
  });
}

describe('pgTransactions', () => {
  it('does not report a commit when a statement failed inside and `work` swallowed the error', async () => {
    await assert.rejects(
      pgTransactions(pool).transaction(async (tx) => {
        await tx.query("INSERT INTO e2e_adapter_notes (note) VALUES ('swallowed')");
        await tx.query('SELECT 1 / 0').catch(() => undefined);
      }),
      /rolled back, not committed/,
    );
    assert.deepEqual(await notes(), []);
  });
});
