import 'reflect-metadata';
import type { StoreCreditChange } from '../events/index.js';
import { createHandlerContext } from '@switchyard/server';
import { prismaTransactions } from '@switchyard/core/prisma';
import { type HandlerDefinition } from '@switchyard/core';
import { aDomainEvent, queryRows, resetDatabase, testDatabaseUrl } from '@switchyard/testing';
import assert from 'node:assert/strict';
import { ShopDatabase } from '../shop-database.js';
import { after, before, beforeEach, describe, it } from 'node:test';
import { RecordStoreCreditHandler } from './record-store-credit.handler.js';

const db = testDatabaseUrl();

describe('store-credit.ledger', () => {
  const shop = new ShopDatabase({ url: db, poolSize: 4 });
  const transactions = prismaTransactions(shop);
  const handler = new RecordStoreCreditHandler();
  const change = (type: 'granted' | 'spent', amount: number, customerId = 'cus_1') =>
    aDomainEvent<StoreCreditChange>(`store-credit.${type}`, { customerId, amount, reference: `${type}-${amount}` });
  const run = (event = change('granted', 100)) => handler.handle(event, createHandlerContext(transactions, { handler: 'store-credit.ledger', event }));
  const ledger = (customerId = 'cus_1') =>
    queryRows(db, 'SELECT position, kind, amount, balance FROM shop.store_credit_entries WHERE customer_id = $1 ORDER BY position', [customerId]);

  before(() => shop.$connect());
  beforeEach(() => resetDatabase(db));
  after(() => shop.$disconnect());

  it('is ordered by customer and blocks the customer on a dead letter', () => {
    const definition = Reflect.getMetadata('switchyard:event-handler', RecordStoreCreditHandler) as HandlerDefinition;
    assert.equal(definition.ordering?.afterDeadLetter, 'block');
    assert.equal(definition.ordering?.key(change('granted', 5, 'cus_77')), 'cus_77');
  });

  it('numbers the lines and keeps the balance; a spend beyond the balance is refused, not applied', async () => {
    assert.deepEqual(await run(change('granted', 50)), { kind: 'granted', balance: 50 });
    assert.deepEqual(await run(change('spent', 30)), { kind: 'spent', balance: 20 });
    assert.deepEqual(await run(change('spent', 25)), { kind: 'refused', balance: 20 });
    assert.deepEqual(await ledger(), [
      { position: 1, kind: 'granted', amount: 50, balance: 50 },
      { position: 2, kind: 'spent', amount: 30, balance: 20 },
      { position: 3, kind: 'refused', amount: 25, balance: 20 },
    ]);
    assert.deepEqual(await ledger('cus_2'), [], 'ledgers are per customer');
  });

  it('writes one line however many times the same event runs', async () => {
    const event = change('granted', 10);
    await run(event);
    assert.equal(await run(event), null, 'the re-run applies nothing');
    assert.deepEqual(await ledger(), [{ position: 1, kind: 'granted', amount: 10, balance: 10 }]);
  });
});
