/**
 * Runs one SQL statement on the transaction's connection and resolves to its
 * rows. Switchyard writes its guard row (`switchyard.processed_keys`) and the
 * events a handler emits through it, in the same transaction as the handler's
 * effects. Its statements pass every value as text, with casts in the SQL
 * (`$1::jsonb`), and read back only text, integers, booleans and arrays of
 * text, so any driver's conversions give the same rows.
 */
export type SqlExecutor = (text: string, values: unknown[]) => Promise<Array<Record<string, unknown>>>;

/**
 * How `ctx.once()` opens a transaction on the team's database, with the
 * team's own data-access library: the adapter the app gives Switchyard
 * (`SwitchyardModule.forRoot({ events, transactions })`) decides what `tx` is in
 * `ctx.once(async (tx) => …)`. `pgTransactions` (`@switchyard/core/pg`) and
 * `prismaTransactions` (`@switchyard/core/prisma`) ship with Switchyard; any
 * other library needs one function (docs/handlers.md, "Handlers on your own
 * database").
 */
export interface TransactionAdapter<TTx> {
  /**
   * Runs `work` in one transaction on the team's database: commits when it
   * resolves, rolls back (and rethrows) when it throws. `tx` is the library's
   * transaction handle, given to the handler; `sql` runs statements in that
   * same transaction, for Switchyard's own rows.
   */
  transaction<T>(work: (tx: TTx, sql: SqlExecutor) => Promise<T>): Promise<T>;
}

/** The transaction handle of an adapter: `HandlerContext<TransactionOf<typeof adapter>>`. */
export type TransactionOf<TAdapter> = TAdapter extends TransactionAdapter<infer TTx> ? TTx : never;
