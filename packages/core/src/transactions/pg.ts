// @switchyard/core/pg: ctx.once() on a node-postgres pool.
import type { Pool, PoolClient } from 'pg';
import type { SqlExecutor, TransactionAdapter } from './transaction-adapter.js';

/**
 * Transactions on a node-postgres (`pg`) pool: `tx` is the pool client that
 * holds the transaction (`tx.query(text, values)`). Without an adapter of its
 * own, an app gets this one over Switchyard's pool, so handlers write to
 * Switchyard's database.
 *
 * ```ts
 * const pool = new Pool({ connectionString: process.env.TEAM_DATABASE_URL });
 * @Module({ imports: [SwitchyardModule.forRoot({ events, transactions: pgTransactions(pool) }), BillingModule] })
 * export class AppModule {}
 * ```
 *
 * Statements are unnamed (never prepared under a name), so it runs behind a
 * transaction-mode PgBouncer. A client whose connection failed mid-transaction
 * is destroyed, not returned to the pool.
 */
export function pgTransactions(pool: Pool): TransactionAdapter<PoolClient> {
  return {
    async transaction<T>(work: (tx: PoolClient, sql: SqlExecutor) => Promise<T>): Promise<T> {
      const client = await pool.connect();
      // Set when the connection's state is unknown (BEGIN, COMMIT or ROLLBACK failed): it must not be reused.
      let broken: Error | undefined;
      try {
        await client.query('BEGIN').catch((error: Error) => {
          broken = error;
          throw error;
        });
        let result: T;
        try {
          result = await work(client, async (text, values) => (await client.query(text, values)).rows);
        } catch (error) {
          await client.query('ROLLBACK').catch((rollbackError: Error) => (broken = rollbackError));
          throw error;
        }
        const committed = await client.query('COMMIT').catch((error: Error) => {
          broken = error;
          throw error;
        });
        // A statement failed inside and `work` went on regardless: Postgres answers COMMIT with ROLLBACK.
        if (committed.command === 'ROLLBACK') {
          throw new Error('The transaction was rolled back, not committed: a statement in it failed and the error was caught inside it');
        }
        return result;
      } finally {
        client.release(broken);
      }
    },
  };
}
