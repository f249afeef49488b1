import { Injectable } from '@nestjs/common';
import type { OnceResult, SqlExecutor, TransactionAdapter } from '@switchyard/core';
import { recordProcessedKey } from '../../foundation/repositories/jobs.repository.js';

/**
 * Runs a handler's effects at most once per (handler, key): the processed key
 * is inserted in the same transaction as the effects, on the database the
 * transactions adapter opens it on. A concurrent run of the same job blocks
 * on that insert until the first commits, then finds the key and skips; if
 * the first rolls back, the second applies the effects.
 */
@Injectable()
export class IdempotencyGuard {
  once<TTx, T>(
    transactions: TransactionAdapter<TTx>,
    handler: string,
    key: string,
    effects: (tx: TTx, sql: SqlExecutor) => Promise<T>,
  ): Promise<OnceResult<T>> {
    return transactions.transaction(async (tx, sql): Promise<OnceResult<T>> => {
      const recorded = await recordProcessedKey(sql, handler, key);
      if (!recorded) return { applied: false };
      return { applied: true, value: await effects(tx, sql) };
    });
  }
}
