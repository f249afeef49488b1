// Scenario 6: Redis frozen (CLIENT PAUSE) for longer than the lock duration,
// with jobs in flight and ingest going on. Publishes time out and fall back
// to the outbox; lock renewals queue up behind the pause, so jobs may be
// judged stalled and run twice: the guard keeps their effects single.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { check, describeVerdict, waitForDrain } from './harness/checker.js';
import { FAULT_TIMERS, FaultStack } from './harness/fault-stack.js';
import { duringIngest } from './harness/ingest-load.js';

describe('scenario 6: Redis frozen longer than the lock duration', () => {
  let stack: FaultStack;
  before(async () => {
    stack = await FaultStack.start();
    await stack.startApi();
    await stack.startWorker();
    await stack.startWorker();
  });
  after(() => stack.close());

  it('loses nothing and applies every effect once', async () => {
    const pauseMs = 2 * FAULT_TIMERS.lockDurationMs;
    const load = await duringIngest(stack, async () => {
      await stack.redis.pause(pauseMs);
      await new Promise((resolve) => setTimeout(resolve, pauseMs));
    }, { task: { sleepMs: 300 } });
    console.log(`scenario 6: answers ${JSON.stringify(load.byStatus())}; paused ${pauseMs} ms`);
    assert.deepEqual(load.unexpected(), [], 'only 202s and 503s with Retry-After');

    const accepted = load.accepted();
    await waitForDrain(stack, accepted);
    const verdict = await check(stack, accepted, FAULT_TIMERS.maxStalledCount);
    console.log(`scenario 6: ${describeVerdict(verdict)}`);
    assert.deepEqual(verdict.lost, []);
    assert.equal(verdict.duplicatedEffects, 0);
    assert.deepEqual(verdict.overBudget, []);
    assert.equal(verdict.deadLetters.size, 0);
  });
});
