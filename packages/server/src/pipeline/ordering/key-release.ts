import type { Prisma, TransactionClient } from '../../db/index.js';
import { type Queryable, releaseOrderingKeys } from '../../foundation/repositories/events.repository.js';
import type { OutboxEntry } from '../outbox/outbox-entry.js';
import { type OutboxRow, toEntry } from '../outbox/outbox-row.js';

/**
 * Moves on the key of each finished job (completed, dead-lettered with
 * `proceed`, or its dead letter discarded) and releases the key's next job,
 * returned for publishing after commit (see releaseOrderingKeys). Only the
 * key's head moves it, so calling this for any job is safe.
 */
export function releaseKeys(db: Queryable, jobIds: string[]): Prisma.PrismaPromise<OutboxRow[]> {
  return releaseOrderingKeys(db, jobIds);
}

/** Inside an interactive transaction: the entries to publish once it commits. */
export async function releaseKeysIn(tx: TransactionClient, jobIds: string[]): Promise<OutboxEntry[]> {
  if (jobIds.length === 0) return [];
  return (await releaseOrderingKeys(tx, jobIds)).map(toEntry);
}
