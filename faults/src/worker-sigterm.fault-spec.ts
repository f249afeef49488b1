// Scenario 4: SIGTERM with jobs in flight. Jobs that fit in the grace period
// finish; jobs that do not are handed back to the queue at once (no attempt
// used, no stall counted) and another worker takes them. Either way the
// process exits within its grace period.
import { waitFor } from '@switchyard/testing';
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { check, describeVerdict, waitForDrain } from './harness/checker.js';
import { FAULT_TIMERS, FaultStack, type StackProcess } from './harness/fault-stack.js';

/** How far past the grace period an exit may come: closing connections and flushing records. */
const EXIT_SLACK_MS = 1_500;

describe('scenario 4: SIGTERM with jobs in flight', () => {
  let stack: FaultStack;
  before(async () => {
    // A long lock: a job left to stall would take 20 s to come back, so a quick takeover proves it was handed back.
    stack = await FaultStack.start({ env: { WORKER_LOCK_DURATION_MS: '20000', WORKER_STALLED_INTERVAL_MS: '5000' } });
    await stack.startApi();
  });
  after(() => stack.close());

  async function inFlight(worker: StackProcess, count: number): Promise<string[]> {
    const rows = await waitFor(`${count} jobs in flight on ${worker.name}`, async () => {
      const running = await stack.query<{ job_id: string }>(
        "SELECT job_id FROM executions WHERE worker_pid = $1 AND finished_at IS NULL AND handler = 'fault.apply'",
        [worker.pid],
      );
      return running.length >= count ? running : undefined;
    }, { timeoutMs: 20_000, intervalMs: 20 });
    return rows.map((row) => row.job_id);
  }

  async function stalledCounters(jobIds: string[]): Promise<number[]> {
    return Promise.all(jobIds.map(async (id) => (await stack.queue('fault-apply').getJob(id))?.stalledCounter ?? -1));
  }

  it('jobs shorter than the grace period finish, and the worker exits 0 in time', async () => {
    const worker = await stack.startWorker();
    const accepted = await stack.acceptTasks(8, { sleepMs: 800 });
    const running = await inFlight(worker, 4);
    const signalled = Date.now();
    const { code } = await worker.terminate();
    const exitMs = Date.now() - signalled;
    assert.equal(code, 0, worker.output());
    assert.ok(exitMs <= FAULT_TIMERS.shutdownGraceMs + EXIT_SLACK_MS, `exited after ${exitMs} ms`);
    const unfinished = await stack.query('SELECT job_id FROM executions WHERE worker_pid = $1 AND finished_at IS NULL', [worker.pid]);
    assert.deepEqual(unfinished, [], 'every job it had started ran to its end');

    const successor = await stack.startWorker();
    await waitForDrain(stack, accepted);
    await successor.terminate();
    const verdict = await check(stack, accepted, FAULT_TIMERS.maxStalledCount);
    console.log(`scenario 4a: exit after ${exitMs} ms; ${describeVerdict(verdict)}`);
    assert.deepEqual(verdict.lost, []);
    assert.equal(verdict.duplicatedEffects, 0);
    assert.equal(verdict.maxExecutions, 1, 'nothing ran twice');
    assert.deepEqual(await stalledCounters(running), running.map(() => 0), 'none stalled');
  });

  it('jobs longer than the grace period go back to the queue, not stall; the worker still exits in time', async () => {
    const worker = await stack.startWorker();
    const accepted = await stack.acceptTasks(4, { sleepMs: 6_000 });
    const running = await inFlight(worker, 4);
    const signalled = Date.now();
    const { code } = await worker.terminate();
    const exitMs = Date.now() - signalled;
    assert.equal(code, 0, worker.output());
    assert.ok(exitMs <= FAULT_TIMERS.shutdownGraceMs + EXIT_SLACK_MS, `exited after ${exitMs} ms, grace ${FAULT_TIMERS.shutdownGraceMs} ms`);
    const states = await Promise.all(running.map(async (id) => (await stack.queue('fault-apply').getJob(id))?.getState()));
    assert.deepEqual(states, running.map(() => 'waiting'), 'handed back, not left active for the lock to expire');

    const successor = await stack.startWorker();
    const takenOverAfter = Date.now();
    await waitForDrain(stack, accepted);
    const verdict = await check(stack, accepted, FAULT_TIMERS.maxStalledCount);
    console.log(`scenario 4b: exit after ${exitMs} ms; drained ${Date.now() - takenOverAfter} ms after the successor started; ${describeVerdict(verdict)}`);
    assert.deepEqual(verdict.lost, []);
    assert.equal(verdict.duplicatedEffects, 0);
    assert.deepEqual(verdict.overBudget, []);
    assert.deepEqual(await stalledCounters(running), running.map(() => 0), 'none stalled');
    const reruns = await stack.query<{ n: number }>('SELECT count(*)::int AS n FROM executions WHERE worker_pid = $1', [successor.pid]);
    assert.ok(reruns[0].n >= running.length, 'the successor ran the handed-back jobs');
  });
});
