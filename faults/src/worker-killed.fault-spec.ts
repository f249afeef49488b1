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

    const verdict = check(stack, accepted, FAULT_TIMERS.maxStalledCount);
    const result = await verdict;
    console.log(`scenario 1: ${describeVerdict(result)}`);
    assert.deepEqual(result.lost, [], 'no accepted job lost');
    assert.equal(result.duplicatedEffects, 0, 'no effect applied twice');
    assert.deepEqual(result.overBudget, [], 'no job ran more than attempts + max stalled count');
    assert.equal(result.deadLetters.size, 0, 'a crash is not a failure: nothing dead-lettered');

    // Each orphan ran again on the new worker; measure when the last one restarted.
    const [{ recovered_ms: recoveredMs }] = await stack.query<{ recovered_ms: number }>(
      `SELECT max(extract(epoch FROM (r.started_at - to_timestamp($2::float8 / 1000))) * 1000)::int AS recovered_ms
       FROM executions r WHERE r.job_id = ANY($1) AND r.worker_pid <> $3`,
      [orphans.map((orphan) => orphan.job_id), killedAt, worker.pid],
    );
    const bound = Math.max(bootMs, 0) + FAULT_TIMERS.lockDurationMs + 2 * FAULT_TIMERS.stalledIntervalMs + 1_000;
    console.log(`scenario 1: ${orphans.length} orphaned jobs, all restarted ${recoveredMs} ms after the kill (new worker up after ${bootMs} ms; bound ${bound} ms)`);
    assert.ok(recoveredMs <= bound, `orphans restarted after ${recoveredMs} ms, over the ${bound} ms bound`);
  });
});
