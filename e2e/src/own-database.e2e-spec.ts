import type { AcceptedEvent } from '@switchyard/core/contracts';
import { isNonRetryable } from '@switchyard/core';
import { pgTransactions } from '@switchyard/core/pg';
import { createHandlerContext, HandlerDatabases, migrateSwitchyard } from '@switchyard/server/internal';
import { aDomainEvent, queryRows, scratchDatabase, testDatabaseUrl, waitFor } from '@switchyard/testing';
import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import { Pool } from 'pg';
import { OWN_EFFECTS_DDL, OwnDatabaseHandlersModule, ownDatabaseEvents, ownDoneRuns } from './fixtures/own-database-handlers.js';
import { resetWithCatalogue } from './support/database.js';
import { TestStack } from './support/stack.js';

const db = testDatabaseUrl();

/**
 * Handlers on a database of the team's own, that is not Switchyard's
 * (docs/handlers.md, "Handlers on your own database"): the effects and the
 * guard row commit together there; an emit cannot join that transaction, so
 * one inside once() is refused, and one after it is guarded on Switchyard's
 * database: a retry after the effects committed skips them and emits, once.
 */
describe("handlers on a database of their own (pgTransactions over another database)", () => {
  let own: Awaited<ReturnType<typeof scratchDatabase>>;
  let ownPool: Pool;
  let switchyardPool: Pool;
  const ownRows = <T extends Record<string, unknown>>(sql: string) => queryRows<T>(own.url, sql);

  before(async () => {
    own = await scratchDatabase('own_handlers');
    await migrateSwitchyard(own.url, { guardOnly: true });
    await queryRows(own.url, OWN_EFFECTS_DDL);
    ownPool = new Pool({ connectionString: own.url, max: 8 });
    switchyardPool = new Pool({ connectionString: db, max: 4 });
    await resetWithCatalogue(db);
  });
  beforeEach(async () => {
    await queryRows(own.url, 'TRUNCATE own_effects, switchyard.processed_keys');
    ownDoneRuns.clear();
  });
  after(async () => {
    await ownPool.end();
    await switchyardPool.end();
    await own.drop();
  });

  const context = (event = aDomainEvent('test.own-start', { key: 'k', crashAfterEffects: false })) =>
    createHandlerContext(pgTransactions(ownPool), { handler: 'test.own-effect', event, events: ownDatabaseEvents, switchyard: pgTransactions(switchyardPool) });

  it('commits the effects and the guard row together on the team’s database, and neither when the handler throws', async () => {
    const event = aDomainEvent('test.own-start', { key: 'k1', crashAfterEffects: false });
    await assert.rejects(
      context(event).once(async (tx) => {
        await tx.query("INSERT INTO own_effects (key) VALUES ('k1')");
        throw new Error('failed after the effect');
      }),
    );
    assert.deepEqual(await ownRows('SELECT key FROM own_effects'), []);
    assert.deepEqual(await ownRows('SELECT key FROM switchyard.processed_keys'), []);

    assert.equal((await context(event).once((tx) => tx.query("INSERT INTO own_effects (key) VALUES ('k1')"))).applied, true);
    assert.deepEqual(await context(event).once(async () => assert.fail('applied twice')), { applied: false });
    assert.deepEqual(await ownRows('SELECT key, applied FROM own_effects'), [{ key: 'k1', applied: 1 }]);
    assert.deepEqual(await ownRows('SELECT handler, key FROM switchyard.processed_keys'), [{ handler: 'test.own-effect', key: event.id }]);
    assert.deepEqual(await queryRows(db, 'SELECT * FROM switchyard.processed_keys'), [], 'nothing on Switchyard’s database');
  });

  it('refuses an emit inside once(), naming the handler and what to do, and rolls the effects back', async () => {
    const ctx = context();
    await assert.rejects(
      ctx.once(async (tx) => {
        await tx.query("INSERT INTO own_effects (key) VALUES ('k2')");
        await ctx.emit('test.own-done', { key: 'k2' });
      }),
      (error: Error) => {
        assert.ok(isNonRetryable(error), error.message);
        assert.match(error.message, /^ctx\.emit\("test\.own-done"\) in handler test\.own-effect was called inside ctx\.once\(\)/);
        assert.match(error.message, /Call ctx\.emit after ctx\.once\(\) returns, outside it/);
        return true;
      },
    );
    assert.deepEqual(await ownRows('SELECT key FROM own_effects'), []);
    assert.deepEqual(await queryRows(db, 'SELECT id FROM switchyard.events'), []);
  });

  describe('in a worker', () => {
    let stack: TestStack;
    before(async () => {
      stack = await TestStack.start({ events: ownDatabaseEvents, handlers: () => ({ handlers: [OwnDatabaseHandlersModule], transactions: pgTransactions(ownPool) }) });
    });
    after(() => stack.close());

    it('a retry after the effects committed skips them and emits: the follow-up is delivered once', async () => {
      const { status, body } = await stack.post<AcceptedEvent>('/v1/events', { type: 'test.own-start', data: { key: 'k3', crashAfterEffects: true } });
      assert.equal(status, 202);
      const [done] = await waitFor('the follow-up handled', async () => {
        const rows = await queryRows<{ id: string }>(db, "SELECT id::text AS id FROM switchyard.events WHERE type = 'test.own-done' AND causation_id = $1", [body.eventId]);
        return rows.length > 0 && ownDoneRuns.size > 0 && rows;
      }, { timeoutMs: 20_000 });
      await waitFor('the first job completed', async () => {
        const [job] = await queryRows<{ outcome: string | null; attempts_made: number }>(db, "SELECT outcome, attempts_made FROM switchyard.jobs WHERE event_id = $1 AND handler = 'test.own-effect'", [body.eventId]);
        return job?.outcome === 'completed' && job;
      });
      assert.deepEqual(await ownRows('SELECT key, applied FROM own_effects'), [{ key: 'k3', applied: 1 }], 'the retry did not apply the effects again');
      assert.deepEqual([...ownDoneRuns.entries()], [[done.id, 1]]);
      assert.deepEqual(await ownRows('SELECT key FROM switchyard.processed_keys'), [{ key: body.eventId }]);
      assert.deepEqual(await queryRows(db, 'SELECT handler, key FROM switchyard.processed_keys WHERE key LIKE $1', [`${body.eventId}%`]), [
        { handler: 'test.own-effect', key: `${body.eventId}:emit:test.own-done:1` },
      ]);
    });
  });

  it('a worker whose handlers’ database has no guard table does not start, and says how to add it', async () => {
    const bare = await scratchDatabase('own_handlers_bare');
    const pool = new Pool({ connectionString: bare.url, max: 1 });
    try {
      // What a worker's start runs (RunnerModule provides it), without the rest of the app.
      const databases = new HandlerDatabases(pgTransactions(pool), pgTransactions(switchyardPool));
      await assert.rejects(databases.onModuleInit(), /could not read switchyard\.installation through the handlers' transactions adapter.*guard-only/s);
      await migrateSwitchyard(bare.url, { guardOnly: true });
      await assert.doesNotReject(databases.onModuleInit(), 'a database that was missing the table may answer next time');
      assert.equal(await databases.shared(), false);
    } finally {
      await pool.end();
      await bare.drop();
    }
  });

  it("a copy of Switchyard's database (same installation id) is told apart from the original; the original is not", async () => {
    // A migrated Switchyard database and a copy of it (what restoring a dump into another database makes).
    const original = await scratchDatabase('own_handlers_original');
    const copy = new URL(original.url);
    copy.pathname = `${copy.pathname}_copy`;
    const admin = new URL(original.url);
    admin.pathname = '/postgres';
    const copyName = decodeURIComponent(copy.pathname.slice(1));
    await migrateSwitchyard(original.url);
    await queryRows(admin.toString(), `DROP DATABASE IF EXISTS "${copyName}" WITH (FORCE)`);
    await queryRows(admin.toString(), `CREATE DATABASE "${copyName}" TEMPLATE "${decodeURIComponent(new URL(original.url).pathname.slice(1))}"`);
    const originalPool = new Pool({ connectionString: original.url, max: 2 });
    const samePool = new Pool({ connectionString: original.url, max: 2 });
    const copyPool = new Pool({ connectionString: copy.toString(), max: 2 });
    try {
      const ids = async (url: string) => (await queryRows<{ id: string }>(url, 'SELECT id::text AS id FROM switchyard.installation'))[0].id;
      assert.equal(await ids(copy.toString()), await ids(original.url), 'the copy carries the installation id');
      assert.equal(await new HandlerDatabases(pgTransactions(copyPool), pgTransactions(originalPool)).shared(), false, 'the copy is another database');
      assert.equal(await new HandlerDatabases(pgTransactions(samePool), pgTransactions(originalPool)).shared(), true, 'two pools on the original are one database');
    } finally {
      await Promise.all([originalPool.end(), samePool.end(), copyPool.end()]);
      await queryRows(admin.toString(), `DROP DATABASE IF EXISTS "${copyName}" WITH (FORCE)`);
      await original.drop();
    }
  });
});
