// Scenario 3: a handler blocks its worker's event loop longer than the lock.
// The lock is not renewed, another worker takes the job over and applies the
// effect; when the blocked run wakes up and finishes, the idempotency guard
// absorbs its duplicate.
import { waitFor } from '@switchyard/testing';
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { check, describeVerdict, waitForDrain } from './harness/checker.js';
import { FAULT_TIMERS, FaultStack } from './harness/fault-stack.js';

describe('scenario 3: an event loop blocked longer than the lock', () => {
  let stack: FaultStack;
  before(async () => {
    stack = await FaultStack.start();
    await stack.startApi();
  });
  after(() => stack.close());

  it('runs the job twice and applies its effect once', async () => {
    await stack.startWorker();
    await stack.startWorker();
    const blockMs = FAULT_TIMERS.lockDurationMs + 3 * FAULT_TIMERS.stalledIntervalMs;
    const [blocker] = await stack.acceptTasks(1, { blockFirstMs: blockMs });
    const others = await stack.acceptTasks(40, { sleepMs: 50 });
    const accepted = [blocker, ...others];
    await waitForDrain(stack, accepted);
    const blockerJob = blocker.jobs.find((job) => job.handler === 'fault.apply')!.id;
    // The blocked run wakes up after the takeover and runs to its end; wait for it.
    const runs = await waitFor('both runs of the blocked job finished', async () => {
      const rows = await stack.query<{ worker_pid: number; finished: boolean }>(
        'SELECT worker_pid, finished_at IS NOT NULL AS finished FROM executions WHERE job_id = $1 ORDER BY id',
        [blockerJob],
      );
      return rows.length === 2 && rows.every((row) => row.finished) ? rows : undefined;
    }, { timeoutMs: 20_000 });
    assert.notEqual(runs[0].worker_pid, runs[1].worker_pid, 'the other worker took it over');

    const verdict = await check(stack, accepted, FAULT_TIMERS.maxStalledCount);
    console.log(`scenario 3: blocked ${blockMs} ms; ${describeVerdict(verdict)}`);
    assert.deepEqual(verdict.lost, []);
    assert.equal(verdict.duplicatedEffects, 0, 'the guard absorbed the blocked run');
    assert.deepEqual(verdict.overBudget, []);
    assert.equal(verdict.deadLetters.size, 0);
    const [effect] = await stack.query<{ applied: number }>("SELECT applied FROM effects WHERE event_id = $1 AND handler = 'fault.apply'", [blocker.eventId]);
    assert.equal(effect.applied, 1);
  });
});
