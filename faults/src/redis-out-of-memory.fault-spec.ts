// Scenario 7: Redis out of memory (a tiny maxmemory with noeviction) during
// sustained ingest. Redis refuses writes instead of evicting jobs; ingest
// degrades to the outbox (202) or a 503 with Retry-After, and nothing
// accepted is dropped: once memory is back, every 202 is delivered once.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { check, describeVerdict, waitForDrain } from './harness/checker.js';
import { FAULT_TIMERS, FaultStack } from './harness/fault-stack.js';
import { duringIngest } from './harness/ingest-load.js';

describe('scenario 7: Redis out of memory', () => {
  let stack: FaultStack;
  before(async () => {
    stack = await FaultStack.start();
    await stack.startApi();
    await stack.startWorker();
  });
  after(() => stack.close());

  it('keeps accepting into the outbox or answers 503, and drops nothing', async () => {
    let unsentAtPeak = 0;
    const load = await duringIngest(stack, async () => {
      await stack.redis.starve(0);
      await new Promise((resolve) => setTimeout(resolve, 3_000));
      [{ n: unsentAtPeak }] = await stack.query<{ n: number }>('SELECT count(*)::int AS n FROM switchyard.jobs WHERE published_at IS NULL');
      await stack.redis.feed();
    }, { task: { sleepMs: 20 } });
    console.log(`scenario 7: answers ${JSON.stringify(load.byStatus())}; ${unsentAtPeak} jobs waiting in the outbox while Redis refused writes`);
    assert.deepEqual(load.unexpected(), [], 'only 202s and 503s with Retry-After');
    assert.ok(unsentAtPeak > 0, 'Redis refused the publishes: the outbox took them');

    const accepted = load.accepted();
    await waitForDrain(stack, accepted);
    const verdict = await check(stack, accepted, FAULT_TIMERS.maxStalledCount);
    console.log(`scenario 7: ${describeVerdict(verdict)}`);
    assert.deepEqual(verdict.lost, []);
    assert.equal(verdict.duplicatedEffects, 0);
    assert.deepEqual(verdict.overBudget, []);
    assert.equal(verdict.deadLetters.size, 0);
  });
});
