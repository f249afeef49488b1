import type { StoreCreditChange } from '../events/index.js';
import { type DomainEvent, EventHandler, type Handler } from '@switchyard/core';
import type { ShopContext } from '../shop-context.js';

export type StoreCreditEntryKind = 'granted' | 'spent' | 'refused';

/**
 * A customer's store-credit ledger: one numbered line per grant or spend,
 * with the balance after it. Order matters: a spend is refused if it exceeds
 * the balance at its turn, so "grant 50, spend 30" must not become "spend 30,
 * grant 50". The handler is ordered by customer: one customer's changes
 * apply one at a time in the order they were accepted, while different
 * customers' run in parallel. A failure blocks only its customer
 * (`afterDeadLetter: 'block'`): a ledger must not skip a line, so the
 * customer's later changes wait until an operator retries or discards it.
 */
@EventHandler<StoreCreditChange>({
  name: 'store-credit.ledger',
  on: 'store-credit.*',
  queue: 'store-credit',
  concurrency: 8,
  orderingKey: 'data.customerId',
  afterDeadLetter: 'block',
})
export class RecordStoreCreditHandler implements Handler<StoreCreditChange> {
  async handle(event: DomainEvent<StoreCreditChange>, ctx: ShopContext): Promise<{ kind: StoreCreditEntryKind; balance: number } | null> {
    const { customerId, amount, reference } = event.data;
    const applied = await ctx.once(async (tx) => {
      const [last] = await tx.$queryRaw<Array<{ position: number; balance: number }>>`
        SELECT position, balance FROM shop.store_credit_entries WHERE customer_id = ${customerId} ORDER BY position DESC LIMIT 1`;
      const before = last?.balance ?? 0;
      const kind: StoreCreditEntryKind = event.type === 'store-credit.granted' ? 'granted' : amount <= before ? 'spent' : 'refused';
      const balance = kind === 'granted' ? before + amount : kind === 'spent' ? before - amount : before;
      // The primary key (customer, position) is the backstop: were two changes of one customer ever
      // to run at once, one would fail and retry instead of writing a line out of turn.
      await tx.storeCreditEntry.create({
        data: { customerId, position: (last?.position ?? 0) + 1, eventId: event.id, kind, amount, balance, reference },
      });
      return { kind, balance };
    });
    return applied.applied ? applied.value : null;
  }
}
