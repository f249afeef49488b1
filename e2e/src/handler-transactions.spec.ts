// ctx.once() and ctx.emit() through both transactions adapters Switchyard
// ships (@switchyard/core/pg and @switchyard/core/prisma), against the real
// Postgres: the guard row, the effects and the emitted events commit together
// or not at all, a concurrent second run waits and then skips, and every
// statement Switchyard runs through an adapter reads back the same rows.
import type { TransactionAdapter } from '@switchyard/core';
import { pgTransactions } from '@switchyard/core/pg';
import { prismaTransactions } from '@switchyard/core/prisma';
import { createHandlerContext, type EventToStore, HandlerDatabases, IdempotencyGuard, PrismaService, storeEmitted, type TransactionClient } from '@switchyard/server/internal';
import { aDomainEvent, queryRows, resetDatabase, testDatabaseUrl, waitFor } from '@switchyard/testing';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, beforeEach, describe, it } from 'node:test';
import { Pool, type PoolClient } from 'pg';
import { z } from 'zod';

const db = testDatabaseUrl();
const events = { 'test.noted': z.object({ n: z.int(), note: z.string().optional() }) };
const EFFECTS_DDL = 'CREATE TABLE IF NOT EXISTS e2e_adapter_effects (key text PRIMARY KEY, handler text NOT NULL)';
const INSERT_EFFECT = 'INSERT INTO e2e_adapter_effects (key, handler) VALUES ($1, $2)';

/** One adapter under test, and how a handler writes its effect with that adapter's `tx`. */
interface Subject {
  name: string;
  transactions: TransactionAdapter<unknown>;
  effect(tx: unknown, key: string, handler: string): Promise<unknown>;
}

const pool = new Pool({ connectionString: db, max: 4 });
const prisma = new PrismaService({ url: db, poolSize: 4 });
const subjects: Subject[] = [
  { name: 'pgTransactions', transactions: pgTransactions(pool), effect: (tx, key, handler) => (tx as PoolClient).query(INSERT_EFFECT, [key, handler]) },
  {
    name: 'prismaTransactions',
    transactions: prismaTransactions(prisma),
    effect: (tx, key, handler) => (tx as TransactionClient).$executeRawUnsafe(INSERT_EFFECT, key, handler),
  },
];

const effects = () => queryRows<{ key: string; handler: string }>(db, 'SELECT key, handler FROM e2e_adapter_effects ORDER BY key');
const processedKeys = () => queryRows<{ handler: string; key: string }>(db, 'SELECT handler, key FROM switchyard.processed_keys ORDER BY handler, key');
const emitted = () => queryRows<{ id: string; type: string; causation_id: string }>(db, 'SELECT id::text AS id, type, causation_id::text AS causation_id FROM switchyard.events ORDER BY id');

before(async () => {
  await queryRows(db, EFFECTS_DDL);
});
after(async () => {
  await pool.end();
  await prisma.$disconnect();
});

for (const subject of subjects) {
  describe(`ctx.once() and ctx.emit() through ${subject.name}`, () => {
    const start = () => aDomainEvent('test.start', {});
    const context = (event = start(), handler = 'test.adapter') => createHandlerContext(subject.transactions, { handler, event, events });

    beforeEach(() => resetDatabase(db));

    it('commits the effects, the guard row and the emitted event together', async () => {
      const event = start();
      const ctx = context(event);
      const result = await ctx.once(async (tx) => {
        await subject.effect(tx, event.id, ctx.handler);
        return (await ctx.emit('test.noted', { n: 1 })).eventId;
      });
      assert.equal(result.applied, true);
      assert.deepEqual(await effects(), [{ key: event.id, handler: 'test.adapter' }]);
      assert.deepEqual(await processedKeys(), [{ handler: 'test.adapter', key: event.id }]);
      assert.deepEqual(await emitted(), [{ id: result.applied && result.value, type: 'test.noted', causation_id: event.id }]);
      assert.deepEqual(await context(event).once(async () => assert.fail('a re-run must not apply the effects again')), { applied: false });
    });

    it('rolls the effects and the emitted event back together when the handler throws, so a retry applies them', async () => {
      const event = start();
      const ctx = context(event);
      await assert.rejects(
        ctx.once(async (tx) => {
          await subject.effect(tx, event.id, ctx.handler);
          await ctx.emit('test.noted', { n: 1 });
          throw new Error('failed after the emit');
        }),
        /failed after the emit/,
      );
      assert.deepEqual(await effects(), []);
      assert.deepEqual(await emitted(), []);
      assert.deepEqual(await processedKeys(), [], 'nothing recorded: the retry may apply');

      const retried = context(event);
      const result = await retried.once(async (tx) => {
        await subject.effect(tx, event.id, retried.handler);
        return (await retried.emit('test.noted', { n: 1 })).eventId;
      });
      assert.equal(result.applied, true);
      assert.deepEqual(await effects(), [{ key: event.id, handler: 'test.adapter' }]);
      assert.equal((await emitted()).length, 1);
    });

    it('a concurrent second run of the same job waits for the first to commit, then skips', async () => {
      const event = start();
      let entered!: () => void;
      let release!: () => void;
      const inside = new Promise<void>((resolve) => (entered = resolve));
      const gate = new Promise<void>((resolve) => (release = resolve));
      const first = context(event).once(async (tx) => {
        await subject.effect(tx, event.id, 'test.adapter');
        entered();
        await gate;
        return 'first';
      });
      await inside;
      const second = context(event).once(async (tx) => {
        await subject.effect(tx, event.id, 'test.adapter');
        return 'second';
      });
      await waitFor('the second run to wait on the first one’s guard row', async () => {
        const [row] = await queryRows<{ n: number }>(
          db,
          "SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock' AND query LIKE '%switchyard.processed_keys%'",
        );
        return row.n === 1;
      });
      release();
      assert.deepEqual(await first, { applied: true, value: 'first' });
      assert.deepEqual(await second, { applied: false });
      assert.deepEqual(await effects(), [{ key: event.id, handler: 'test.adapter' }]);
    });
  });
}

describe('what Switchyard reads back through each adapter’s SqlExecutor', () => {
  beforeEach(() => resetDatabase(db));

  /** Two emitted events whose jobs share an ordering key: the second one's job is held. */
  const planned = (): EventToStore[] => {
    const correlationId = randomUUID();
    return [1, 2].map((n) => {
      const eventId = randomUUID();
      const event = { id: eventId, type: 'test.noted', source: 'urn:test', subject: `s-${n}`, time: null, data: { n, note: 'ünïcødé "quoted" \\ and \u2028' }, receivedAt: '', correlationId, causationId: null };
      return {
        eventId,
        incoming: { type: 'test.noted', source: 'urn:test', subject: `s-${n}`, data: event.data, priority: 4 },
        correlationId,
        causationId: null,
        jobs: [{ jobId: `${eventId}.test.ordered`, queue: 'test', handler: 'test.ordered', priority: 4, deliverAt: null, attempts: 3, backoff: { type: 'fixed', delay: 10 }, event, orderingKey: correlationId }],
      } as unknown as EventToStore;
    });
  };

  it('the guard row, the emitted events with their held jobs, and the installation id, the same through both', async () => {
    const answers = [];
    for (const subject of subjects) {
      const batch = planned();
      const guard = new IdempotencyGuard();
      const first = await guard.once(subject.transactions, 'test.read-back', batch[0].eventId, (_tx, sql) => storeEmitted(sql, batch));
      const again = await guard.once(subject.transactions, 'test.read-back', batch[0].eventId, (_tx, sql) => storeEmitted(sql, batch));
      assert.equal(first.applied, true, subject.name);
      const published = first.applied ? first.value : [];
      assert.equal(published.length, 1, `${subject.name}: the second job waits behind the first of its key`);
      const receivedAt = published[0].event.receivedAt;
      assert.ok(Math.abs(Date.parse(receivedAt) - Date.now()) < 60_000 && new Date(receivedAt).toISOString() === receivedAt, `${subject.name}: ${receivedAt}`);
      const [held] = await queryRows<{ held: boolean }>(db, 'SELECT held FROM switchyard.jobs WHERE id = $1', [batch[1].jobs[0].jobId]);
      assert.deepEqual(held, { held: true }, subject.name);
      const shared = await new HandlerDatabases(subject.transactions, pgTransactions(pool)).shared();
      answers.push({ jobIds: published.map((job) => job.jobId.slice(36)), again, shared, data: published[0].event.data });
    }
    assert.deepEqual(answers[0], answers[1]);
    assert.deepEqual(answers[0], { jobIds: ['.test.ordered'], again: { applied: false }, shared: true, data: planned()[0].incoming.data });
  });
});
