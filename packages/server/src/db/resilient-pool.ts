import { Pool, type PoolConfig } from 'pg';

/**
 * A node-postgres pool whose connections never crash the process when
 * Postgres goes away. A pg client emits 'error' when its connection drops,
 * and an 'error' event nobody listens to kills the process; pg-pool listens
 * only while a client is idle, so a client checked out at that moment (in a
 * query, or held between a transaction's statements) took the worker down
 * when Postgres was stopped (fault suite, scenario 8). Queries in flight
 * still fail with the error, and the pool replaces the broken connection.
 */
export function resilientPool(config: PoolConfig): Pool {
  const pool = new Pool(config);
  pool.on('error', () => undefined);
  pool.on('connect', (client) => client.on('error', () => undefined));
  return pool;
}
