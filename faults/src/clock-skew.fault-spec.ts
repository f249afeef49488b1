// Scenario 11: a worker whose wall clock is 5 minutes off (libfaketime).
// BullMQ promotes delayed jobs by the clock of the worker that asks, so a
// worker S ahead runs delayed jobs up to S early (never before they were
// accepted), and one S behind holds them up to S late unless a worker with a
// true clock is running. Locks and stall detection use Redis-side TTLs and
// are unaffected. This measures and bounds those effects.
import { needs, waitFor } from '@switchyard/testing';
import assert from 'node:assert/strict';
import { after, afterEach, before, describe, it } from 'node:test';
import { check, describeVerdict, waitForDrain } from './harness/checker.js';
import { FAULT_TIMERS, FaultStack } from './harness/fault-stack.js';

const SKEW_MS = 5 * 60_000;
describe('scenario 11: a delayed job with the worker clock 5 minutes off', needs('faketime'), () => {
  let stack: FaultStack;
  before(async () => {
    stack = await FaultStack.start();
    await stack.startApi();
  });
  after(() => stack.close());
  // Each test stops its skewed worker, pass or fail, so the next one starts alone.
  afterEach(async () => {
    for (const process of stack.processes) if (process.name.startsWith('worker')) await process.kill9();
  });

  /** When the job first ran, by the database's (true) clock; undefined while it has not. */
  async function startedAt(eventId: string): Promise<number | undefined> {
    const [row] = await stack.query<{ ms: number }>(
      "SELECT (extract(epoch FROM min(started_at)) * 1000)::float8 AS ms FROM executions WHERE event_id = $1 AND handler = 'fault.apply'",
      [eventId],
    );
    return row?.ms ?? undefined;
  }

  it('a worker 5 minutes ahead runs a 2-minute-delayed job at once: early by at most the skew, never before acceptance', async () => {
    const worker = await stack.startWorker({}, { clockSkewMs: SKEW_MS });
    assert.match(worker.output(), /ready/);
    const delayMs = 2 * 60_000;
    const acceptedAt = Date.now();
    const { status, body } = await stack.postTask({}, { delay: delayMs });
    assert.equal(status, 202);
    const dueAt = acceptedAt + delayMs;
    const ranAt = await waitFor('the delayed job to run early', () => startedAt(body.eventId), { timeoutMs: 20_000 });
    const earlyMs = dueAt - ranAt;
    console.log(`scenario 11: worker +${SKEW_MS / 60_000} min ran a job due in ${delayMs / 1000} s after ${Math.round(ranAt - acceptedAt)} ms: ${Math.round(earlyMs / 1000)} s early (bound: min(delay, skew) = ${Math.min(delayMs, SKEW_MS) / 1000} s)`);
    assert.ok(earlyMs > 0, 'the skew shows: it ran before it was due');
    assert.ok(earlyMs <= Math.min(delayMs, SKEW_MS) + 1_000, 'early by no more than the skew, and not before it was accepted');

    // Locks live in Redis with server-side TTLs: the skewed worker holds them like any other.
    const accepted = [body, ...(await stack.acceptTasks(20, { sleepMs: 300 }))];
    await waitForDrain(stack, accepted);
    const verdict = await check(stack, accepted, FAULT_TIMERS.maxStalledCount);
    console.log(`scenario 11: skewed worker: ${describeVerdict(verdict)}`);
    assert.deepEqual(verdict.lost, []);
    assert.equal(verdict.duplicatedEffects, 0);
    assert.equal(verdict.maxExecutions, 1, 'no spurious stalls from the skew');
  });

  it('a worker 5 minutes behind holds a delayed job back; a worker with a true clock runs it on time', async () => {
    const behind = await stack.startWorker({}, { clockSkewMs: -SKEW_MS });
    const { status, body } = await stack.postTask({}, { delay: 1_000 });
    assert.equal(status, 202);
    const dueAt = Date.now() + 1_000;
    await new Promise((resolve) => setTimeout(resolve, 5_000));
    assert.equal(await startedAt(body.eventId), undefined, 'still held back 4 s after it was due');
    const [undelayed] = await stack.acceptTasks(1);
    await waitForDrain(stack, [undelayed], 10_000); // the same worker runs undelayed work normally

    const trueClock = await stack.startWorker();
    const trueClockUp = Date.now();
    const ranAt = await waitFor('a worker with a true clock to run it', () => startedAt(body.eventId), { timeoutMs: 10_000 });
    console.log(`scenario 11: worker −${SKEW_MS / 60_000} min held a 1 s delayed job ${Math.round(trueClockUp - dueAt)} ms past due; a true-clock worker ran it ${Math.round(ranAt - trueClockUp)} ms after it started`);
    const [row] = await stack.query<{ pid: number }>("SELECT worker_pid AS pid FROM executions WHERE event_id = $1 AND handler = 'fault.apply'", [body.eventId]);
    assert.equal(row.pid, trueClock.pid);
    assert.equal(behind.child.exitCode, null);
  });
});
