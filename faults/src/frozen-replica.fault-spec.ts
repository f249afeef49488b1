// Scenario 13: a replica frozen (SIGSTOP, as by a paused VM or a stalled
// host) inside the transaction that claims shared work. Its connection
// stays open, so the rows it locked stay locked: the other replicas skip
// them (schedules, outbox rows) or wait on them (workers recording an
// outcome). Postgres ends a claim idle in its transaction past a bound, and
// the work goes on without the frozen replica; thawed, it does nothing twice.
import { post, waitFor } from '@switchyard/testing';
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { check, describeVerdict, waitForDrain } from './harness/checker.js';
import { FAULT_TIMERS, FaultStack, type StackProcess } from './harness/fault-stack.js';
import { apiReady, scheduleEvents, storedAsAccepted } from './harness/replica-probes.js';

const alive = (process: StackProcess) => process.child.exitCode === null && process.child.signalCode === null;

describe('scenario 13: a replica frozen inside a claim', () => {
  let stack: FaultStack;
  before(async () => {
    stack = await FaultStack.start();
  });
  after(() => stack.close());

  it('a: frozen while firing a schedule tick: the other replicas keep ticking, and the frozen tick is fired once', async () => {
    // Alone at first, so the first tick is its to claim; it stops itself inside that claim.
    const frozen = await stack.startApi({ FAULT_FREEZE_IN_SCHEDULE_FIRE: '1' });
    const created = await post(`${frozen.url}/v1/schedules`, { name: 'frozen-tick', type: 'fault.task', data: {}, intervalMs: 1_000 });
    assert.equal(created.status, 201, created.text);
    await waitFor('the scheduler frozen in its claim', () => /freezing inside a schedule claim/.test(frozen.output()) && frozen.stopped(), { timeoutMs: 10_000 });
    const frozenAt = Date.now();
    const [other] = await Promise.all([stack.startApiReplica(), stack.startWorker()]);
    await waitFor('three ticks fired while it is frozen', async () => (await scheduleEvents(stack, 'frozen-tick')).length >= 3, { timeoutMs: 20_000, intervalMs: 100 });
    assert.ok(frozen.stopped(), 'still frozen');
    const frozenTickMs = (await scheduleEvents(stack, 'frozen-tick'))[0].tick.getTime();
    frozen.resume();
    await apiReady(frozen);
    const paused = await post(`${other.url}/v1/schedules/frozen-tick/pause`, {});
    assert.equal(paused.status, 200, paused.text);

    const events = await scheduleEvents(stack, 'frozen-tick');
    const ticks = events.map((event) => event.tick.getTime());
    assert.equal(new Set(ticks).size, ticks.length, 'no tick emitted twice');
    assert.equal(ticks.at(-1)! - ticks[0], (ticks.length - 1) * 1_000, 'no tick skipped, the frozen one included');
    assert.ok(ticks[0] <= frozenAt, 'the tick it froze on was fired by another replica');
    const accepted = await storedAsAccepted(stack, events.map((event) => event.event_id));
    await waitForDrain(stack, accepted);
    const verdict = await check(stack, accepted, FAULT_TIMERS.maxStalledCount, { onlyAccepted: true });
    console.log(`scenario 13a: ${ticks.length} ticks; the frozen tick (${new Date(frozenTickMs).toISOString()}) fired by another replica after the claim was ended; ${describeVerdict(verdict)}`);
    assert.deepEqual(verdict.lost, []);
    assert.equal(verdict.duplicatedEffects, 0);
  });

  it('b: frozen mid-sweep with its jobs in Redis and their rows locked: the workers record them and the other relay publishes past it', async () => {
    // The only relay, so the backlog is its to sweep; it stops itself once its sweep has enqueued.
    await Promise.all(stack.processes.filter((process) => process.name.startsWith('api') && alive(process)).map((api) => api.kill9()));
    const frozen = await stack.startApiReplica({ FAULT_FREEZE_IN_RELAY_SWEEP: '1' });
    await stack.redis.stop();
    const accepted = await stack.acceptTasks(100, {}, [frozen.url]);
    await stack.redis.start();
    await apiReady(frozen);
    frozen.child.kill('SIGUSR2');
    await waitFor('the relay frozen in its sweep', () => /freezing inside a relay sweep/.test(frozen.output()) && frozen.stopped(), { timeoutMs: 15_000 });
    // Another API comes up for the rows the frozen sweep did not take (those younger than the grace period when it swept).
    await stack.startApiReplica();
    const jobIds = accepted.flatMap((event) => event.jobs.map((job) => job.id));
    // The frozen sweep's rows stay locked until Postgres ends its session: until then the worker's outcome
    // writes for its jobs wait on them, and the other relay skips them.
    await waitFor('every job run and recorded completed while the relay is frozen', async () => {
      const [row] = await stack.query<{ n: number }>("SELECT count(*)::int AS n FROM switchyard.jobs WHERE id = ANY($1) AND outcome = 'completed' AND published_at IS NOT NULL", [jobIds]);
      return row.n === jobIds.length;
    }, { timeoutMs: 20_000, intervalMs: 100 });
    assert.ok(frozen.stopped(), 'still frozen');
    frozen.resume();
    await apiReady(frozen);
    const verdict = await check(stack, accepted, FAULT_TIMERS.maxStalledCount, { onlyAccepted: true });
    console.log(`scenario 13b: ${describeVerdict(verdict)}`);
    assert.deepEqual(verdict.lost, []);
    assert.equal(verdict.duplicatedEffects, 0);
    assert.deepEqual(verdict.overBudget, []);
  });
});
