// Scenario 2: a poison message that crashes its worker every time it runs.
// Under a supervisor that restarts the worker, the job stalls, runs again,
// crashes again, and once over the stalled limit ends as one dead letter;
// the jobs around it complete with their effects once.
import { waitFor } from '@switchyard/testing';
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { check, describeVerdict, waitForDrain } from './harness/checker.js';
import { FAULT_TIMERS, FaultStack } from './harness/fault-stack.js';
import { Supervisor } from './harness/supervisor.js';

describe('scenario 2: a poison message that kills the worker every time', () => {
  let stack: FaultStack;
  let supervisor: Supervisor;
  before(async () => {
    stack = await FaultStack.start();
    await stack.startApi();
  });
  after(async () => {
    await supervisor?.stop();
    await stack.close();
  });

  it('ends as one dead letter after the stalled limit; other jobs unaffected', async () => {
    supervisor = new Supervisor(stack);
    await waitFor('worker up', () => supervisor.current !== null);
    const before = await stack.acceptTasks(30, { sleepMs: 20 });
    const [poison] = await stack.acceptTasks(1, { crash: true });
    const afterPoison = await stack.acceptTasks(30, { sleepMs: 20 });
    const accepted = [...before, poison, ...afterPoison];
    await waitForDrain(stack, accepted, 90_000);

    const verdict = await check(stack, accepted, FAULT_TIMERS.maxStalledCount);
    console.log(`scenario 2: ${describeVerdict(verdict)}; worker restarts ${supervisor.restarts}`);
    const poisonJob = poison.jobs.find((job) => job.handler === 'fault.apply')!.id;
    assert.deepEqual([...verdict.deadLetters], [[poisonJob, 1]], 'exactly one dead letter, the poison');
    assert.deepEqual(verdict.lost, []);
    assert.equal(verdict.duplicatedEffects, 0);
    assert.deepEqual(verdict.overBudget, []);
    const [runs] = await stack.query<{ n: number }>('SELECT count(*)::int AS n FROM executions WHERE job_id = $1', [poisonJob]);
    assert.equal(runs.n, FAULT_TIMERS.maxStalledCount + 1, 'it ran once, then once per allowed stall, and never again');
    assert.equal(supervisor.restarts, FAULT_TIMERS.maxStalledCount + 1, 'it crashed the worker each time it ran');
    const [letter] = await stack.query<{ error_message: string }>('SELECT error_message FROM switchyard.dead_letters WHERE job_id = $1', [poisonJob]);
    assert.match(letter.error_message, /stalled more than allowable limit/);
    assert.equal(await (await stack.queue('fault-apply').getJob(poisonJob))?.getState(), 'failed');
  });
});
