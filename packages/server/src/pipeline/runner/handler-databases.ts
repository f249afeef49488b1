import { Logger, type OnModuleInit } from '@nestjs/common';
import type { TransactionAdapter } from '@switchyard/core';
import { randomInt } from 'node:crypto';
import { holdDatabaseProbe, installationId, seesDatabaseProbe } from '../../foundation/repositories/jobs.repository.js';

/**
 * The two databases a job's handler may write to: the handlers' own, where
 * `ctx.once()` runs (the transactions adapter the app gave), and
 * Switchyard's, where an emit outside `once()` runs (its own pool). They are
 * one database when the app gave no adapter, or when both hold the same
 * `switchyard.installation` id and the handlers' adapter sees a lock that
 * Switchyard's connection holds in its database at that moment (a copy of
 * Switchyard's database carries its installation id, but not its locks):
 * then an emit inside `once()` joins the effects' transaction. Otherwise it
 * cannot, and is refused.
 *
 * A worker compares them at start (and fails to start when the handlers'
 * database has no guard table); elsewhere (createHandlerContext) on the
 * first emit inside `once()`. The answer is kept: one round trip per
 * database per process.
 */
export class HandlerDatabases implements OnModuleInit {
  private readonly logger = new Logger('HandlerDatabases');
  private answer: Promise<boolean> | undefined;

  constructor(
    readonly handlers: TransactionAdapter<unknown>,
    readonly switchyard: TransactionAdapter<unknown>,
  ) {}

  /** Whether the handlers' database is Switchyard's. */
  shared(): Promise<boolean> {
    if (this.handlers === this.switchyard) return Promise.resolve(true);
    this.answer ??= this.compare().catch((error: unknown) => {
      this.answer = undefined; // a database that was down may answer next time
      throw error;
    });
    return this.answer;
  }

  async onModuleInit(): Promise<void> {
    if (this.handlers === this.switchyard) return;
    this.logger.log(
      (await this.shared())
        ? "Handlers' transactions adapter writes to Switchyard's database: an emit inside ctx.once() commits with the effects"
        : "Handlers' transactions adapter writes to a database of its own: ctx.once() commits effects and guard there; ctx.emit() must be called outside ctx.once()",
    );
  }

  private async compare(): Promise<boolean> {
    const [theirs, ours] = await Promise.all([
      installationOf(this.handlers).catch((error: Error) => {
        throw new Error(
          `Switchyard could not read switchyard.installation through the handlers' transactions adapter (the \`transactions\` option): ${error.message}. ` +
            "A database that is not Switchyard's needs the guard's tables: apply Switchyard's guard-only migrations to it " +
            '(switchyard migrate --guard-only, or migrateSwitchyard(url, { guardOnly: true }); docs/handlers.md, "Handlers on your own database").',
          { cause: error },
        );
      }),
      installationOf(this.switchyard),
    ]);
    return theirs === ours && (await this.seeEachOther());
  }

  /** Whether the handlers' adapter sees a lock held by Switchyard's: one database, not a copy. */
  private seeEachOther(): Promise<boolean> {
    const probe: [number, number] = [randomInt(2 ** 31), randomInt(2 ** 31)];
    return this.switchyard.transaction(async (_tx, ours) => {
      await holdDatabaseProbe(ours, probe);
      return this.handlers.transaction((_theirTx, theirs) => seesDatabaseProbe(theirs, probe));
    });
  }
}

async function installationOf(transactions: TransactionAdapter<unknown>): Promise<string> {
  const id = await transactions.transaction((_tx, sql) => installationId(sql));
  if (id === null) throw new Error('switchyard.installation has no row');
  return id;
}
