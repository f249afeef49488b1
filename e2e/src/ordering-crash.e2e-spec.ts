import { queryRows, runNode, testDatabaseUrl, waitFor } from '@switchyard/testing';
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { resetOrderingEffects } from './fixtures/ordering-handlers.js';
import { resetWithCatalogue } from './support/database.js';
import { byKey, effectsOf, keyedEvents, orderingStackOptions, overlap, postInBatches } from './support/ordering.js';
import { TestStack } from './support/stack.js';

const db = testDatabaseUrl();
const count = async (sql: string) => (await queryRows<{ n: number }>(db, sql))[0].n;
const effects = () => count("SELECT count(*)::int AS n FROM e2e_ordering_effects WHERE handler = 'test.keyed'");

describe('ordering per key survives a worker killed mid-run', () => {
  let stack: TestStack;
  before(async () => {
    await resetWithCatalogue(db);
    await resetOrderingEffects(db);
    // Short locks, so the killed worker's jobs are taken over within seconds.
    stack = await TestStack.start({ ...orderingStackOptions({ WORKER_LOCK_DURATION_MS: '2000', WORKER_STALLED_INTERVAL_MS: '1000' }), worker: false });
  });
  after(() => stack.close());

  it('loses no job and breaks no key’s order when a worker is SIGKILLed with jobs in flight', { timeout: 300_000 }, async () => {
    const doomed = runNode('e2e/dist/fixtures/ordering.worker.js', { ...stack.env, WORKER_ID: 'doomed' });
    await waitFor('the worker to start', () => doomed.output().includes('worker ready') || doomed.child.exitCode !== null, { timeoutMs: 30_000 });
    assert.equal(doomed.child.exitCode, null, doomed.output());

    const events = keyedEvents('test.keyed', 2_000, 20, 8);
    await postInBatches(stack, events);
    await waitFor('a few hundred effects', async () => (await effects()) >= 300, { timeoutMs: 60_000 });
    doomed.child.kill('SIGKILL');
    assert.equal((await doomed.exited).signal, 'SIGKILL');
    const atKill = await effects();
    assert.ok(atKill < 2_000, `killed mid-run (${atKill} of 2,000 done)`);

    await stack.startWorker();
    await waitFor('every effect', async () => (await effects()) === 2_000, { timeoutMs: 200_000, intervalMs: 250 });

    const applied = await effectsOf('test.keyed');
    const sent = byKey(events.map((event) => ({ key: event.data.key!, n: event.data.n, started_ms: 0, finished_ms: 0 })));
    for (const [key, ns] of byKey(applied)) assert.deepEqual(ns, sent.get(key), `key ${key}: effects in the order sent`);
    assert.equal(overlap(applied).sameKeyOverlaps, 0);
    assert.equal(await count("SELECT count(DISTINCT event_id)::int AS n FROM e2e_ordering_effects WHERE handler = 'test.keyed'"), 2_000, 'each once');
    assert.equal(await count("SELECT count(*)::int AS n FROM switchyard.ordering_keys WHERE handler = 'test.keyed' AND next_seq <> last_seq + 1"), 0);
    assert.equal(await count('SELECT count(*)::int AS n FROM switchyard.dead_letters'), 0);
  });
});
