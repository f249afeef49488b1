import type { Prisma, TransactionClient } from '../../db/index.js';
import type { OutboxEntry } from '../outbox/outbox-entry.js';
import { type OutboxRow, toEntry } from '../outbox/outbox-row.js';

type Queryable = Pick<TransactionClient, '$queryRaw'>;

/**
 * Moves on the key of each finished job (completed, dead-lettered with
 * `proceed`, or its dead letter discarded) and releases the key's next job,
 * returned for publishing after commit. One round trip: the SQL function
 * `switchyard_release_keys` (prisma/migrations) locks
 * the keys' rows first and reads the jobs in a second statement, with a
 * snapshot taken after the lock; see there why that matters. Only the
 * key's head moves it, so calling this for any job is safe. A key with no
 * next job yet just advances: the next append finds its job at the head.
 */
export function releaseKeys(db: Queryable, jobIds: string[]): Prisma.PrismaPromise<OutboxRow[]> {
  return db.$queryRaw<OutboxRow[]>`SELECT * FROM switchyard.switchyard_release_keys(${jobIds}::text[])`;
}

/** Inside an interactive transaction: the entries to publish once it commits. */
export async function releaseKeysIn(tx: TransactionClient, jobIds: string[]): Promise<OutboxEntry[]> {
  if (jobIds.length === 0) return [];
  return (await releaseKeys(tx, jobIds)).map(toEntry);
}
