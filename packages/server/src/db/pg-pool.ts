import { Injectable, OnApplicationShutdown } from '@nestjs/common';
import type { Pool, QueryResultRow } from 'pg';
import type { DbOptions } from './prisma.service.js';
import { resilientPool } from './resilient-pool.js';

/**
 * A plain node-postgres pool for the few hot-path statements (ingest's
 * append, marking jobs published) where Prisma's per-query overhead showed in
 * profiles. Statements given a name are prepared once per connection and
 * then run without re-planning, unless `preparedStatements` is false: behind
 * a transaction-mode PgBouncer consecutive statements may land on different
 * server connections, where the prepared name does not exist (or, worse,
 * names another process's statement), so they run unnamed instead.
 */
@Injectable()
export class PgPool implements OnApplicationShutdown {
  readonly pool: Pool;
  private readonly namedStatements: boolean;

  constructor(options: DbOptions) {
    this.namedStatements = options.preparedStatements ?? true;
    this.pool = resilientPool({ connectionString: options.url, max: options.poolSize, idleTimeoutMillis: 30_000 });
  }

  /** Runs an unnamed statement: planned every time with its values. */
  async query<T extends QueryResultRow>(text: string, values: unknown[]): Promise<T[]> {
    return (await this.pool.query<T>(text, values)).rows;
  }

  /** Runs a named (prepared) statement, or an unnamed one when prepared statements are off. */
  async prepared<T extends QueryResultRow>(name: string, text: string, values: unknown[]): Promise<T[]> {
    if (!this.namedStatements) return this.query<T>(text, values);
    return (await this.pool.query<T>({ name, text, values })).rows;
  }

  async onApplicationShutdown(): Promise<void> {
    await this.pool.end();
  }
}
