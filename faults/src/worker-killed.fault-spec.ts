// Scenario 1: a worker is killed (SIGKILL) in the middle of 100 jobs and
// restarted. Every job completes, each effect applies once, and the jobs the
// dead worker held are taken over once their locks expire.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { check, describeVerdict, waitForDrain } from './harness/checker.js';
import { FAULT_TIMERS, FaultStack } from './harness/fault-stack.js';
import { waitFor } from '@switchyard/testing';

describe('scenario 1: kill -9 a worker in the middle of 100 jobs', () => {
  let stack: FaultStack;
  before(async () => {
    stack = await FaultStack.start();
    await stack.startApi();
  });
  after(() => stack.close());

  it('completes every job after a restart, effects once, orphans recovered within lock + stalled interval', async () => {
    const worker = await stack.startWorker();
    const accepted = await stack.acceptTasks(100, { sleepMs: 300 });
    await waitFor('a third of the jobs applied, several in flight', async () => {
      const [row] = await stack.query<{ applied: number; running: number }>(
        `SELECT (SELECT count(*)::int FROM effects WHERE handler = 'fault.apply') AS applied,
                (SELECT count(*)::int FROM executions WHERE finished_at IS NULL AND handler = 'fault.apply') AS running`,
      );
      return (row.applied >= 30 && row.running >= 4) || undefined;
    }, { timeoutMs: 30_000, intervalMs: 20 });

    const killedAt = Date.now();
    await worker.kill9();
    const orphans = await stack.query<{ job_id: string }>('SELECT job_id FROM executions WHERE worker_pid = $1 AND finished_at IS NULL', [worker.pid]);
    assert.ok(orphans.length > 0, 'the worker died holding jobs');

    await stack.startWorker();
    const bootMs = Date.now() - killedAt;
    await waitForDrain(stack, accepted);

    const result = await check(stack, accepted, FAULT_TIMERS.maxStalledCount);
    console.log(`scenario 1: ${describeVerdict(result)}`);
    assert.deepEqual(result.lost, [], 'no accepted job lost');
    assert.equal(result.duplicatedEffects, 0, 'no effect applied twice');
    assert.deepEqual(result.overBudget, [], 'no job ran more than attempts + max stalled count');
    assert.equal(result.deadLetters.size, 0, 'a crash is not a failure: nothing dead-lettered');

    // Recovery: BullMQ found each orphan's lock gone and put it back in the queue (its `stalled` event).
    const orphanIds = orphans.map((orphan) => orphan.job_id);
    // Both fixture handlers ran on the dead worker: read the stalled events of both queues.
    const stalled = new Map([...(await stack.stalledAt('fault-apply', orphanIds)), ...(await stack.stalledAt('fault-tally', orphanIds))]);
    assert.equal(stalled.size, orphanIds.length, 'every orphan was detected as stalled');
    const recoveredMs = Math.max(...stalled.values()) - killedAt;
    const [{ rerun_ms: rerunMs }] = await stack.query<{ rerun_ms: number }>(
      `SELECT max(extract(epoch FROM (r.started_at - to_timestamp($2::float8 / 1000))) * 1000)::int AS rerun_ms
       FROM executions r WHERE r.job_id = ANY($1) AND r.worker_pid <> $3`,
      [orphanIds, killedAt, worker.pid],
    );
    // The lock expires at most one lock duration after the kill; a stalled check
    // puts back jobs seen active at the check before (so up to two intervals).
    const bound = Math.max(bootMs, FAULT_TIMERS.lockDurationMs) + 2 * FAULT_TIMERS.stalledIntervalMs + 1_000;
    console.log(
      `scenario 1: ${orphans.length} orphaned jobs back in the queue ${recoveredMs} ms after the kill (bound ${bound} ms; new worker up after ${bootMs} ms); ` +
        `the last re-ran after ${rerunMs} ms (suspects run one at a time)`,
    );
    assert.ok(recoveredMs <= bound, `orphans recovered after ${recoveredMs} ms, over the ${bound} ms bound`);
  });
});
