import type { SqlExecutor } from '@switchyard/core';
import type { PoolClient } from 'pg';
import type { TransactionClient } from './prisma.service.js';

/**
 * Makes Postgres end the session if it sits idle inside the current
 * transaction longer than `$1` ms (`set_config(..., true)`: this transaction
 * only). For transactions holding rows other replicas wait on or skip: a
 * process frozen mid-transaction (SIGSTOP, a paused VM, a stalled host)
 * keeps its connection open, so without a limit its row locks hold up the
 * others for as long as it stays frozen. Ended, the transaction rolls back,
 * which each caller must be able to afford (its work is redone by another).
 */
const LIMIT_IDLE_IN_TRANSACTION_SQL = "SELECT set_config('idle_in_transaction_session_timeout', $1, true)";

/** The parameter of LIMIT_IDLE_IN_TRANSACTION_SQL for `ms`. */
function idleLimit(ms: number): string {
  return String(Math.max(1, Math.ceil(ms)));
}

/** Ends the session if the current Prisma transaction `tx` idles longer than `ms` (see LIMIT_IDLE_IN_TRANSACTION_SQL). */
export async function limitIdleInTransaction(tx: TransactionClient, ms: number): Promise<void> {
  await tx.$queryRawUnsafe(LIMIT_IDLE_IN_TRANSACTION_SQL, idleLimit(ms));
}

/**
 * Runs `work` in a transaction on a client of `pool`, limited to `idleLimitMs`
 * idle (see LIMIT_IDLE_IN_TRANSACTION_SQL): commits what it returns, rolls
 * back what it throws. A connection that cannot even roll back is dropped,
 * not handed to the next caller.
 */
export async function inPgTransaction<T>(pool: { connect(): Promise<PoolClient> }, idleLimitMs: number, work: (client: PoolClient) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  let broken: Error | undefined;
  try {
    await client.query('BEGIN');
    await client.query(LIMIT_IDLE_IN_TRANSACTION_SQL, [idleLimit(idleLimitMs)]);
    const result = await work(client);
    await client.query('COMMIT');
    return result;
  } catch (error) {
    await client.query('ROLLBACK').catch((rollbackError: Error) => (broken = rollbackError));
    throw error;
  } finally {
    client.release(broken);
  }
}

/** A Prisma transaction as the SqlExecutor that statements shared with handlers' transaction adapters take. */
export function executorOf(tx: TransactionClient): SqlExecutor {
  return (text, values) => tx.$queryRawUnsafe(text, ...values);
}
