// Replicas: two APIs and three workers share one Redis and one Postgres and
// nothing else. The work that must happen once — the outbox relay,
// schedules, bulk operations — is shared through row locks and leases in
// Postgres, never by "the first process"; each scenario kills, freezes or
// cuts off replicas while that work is under way, and the checker's tables
// say every 202 was delivered once (0 lost, 0 duplicated effects).
//
// The scenarios share one stack and run in order (booting five processes
// per scenario would cost more than the scenarios): b's outage first, while
// the time series holds nothing else; then the kills of a; c's schedule; and
// d, which replaces the APIs by two twins under one WORKER_ID.
import type { AcceptedEvent, OperationStatus } from '@switchyard/core/contracts';
import { post, waitFor } from '@switchyard/testing';
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { check, describeVerdict, type Verdict, waitForDrain } from './harness/checker.js';
import { FAULT_TIMERS, FaultStack, type StackProcess } from './harness/fault-stack.js';
import { IngestLoad } from './harness/ingest-load.js';
import { apiReady, completionsCounted, handedToBullmq, leaseOwnerOf, operationRow, retriesPerDeadLetter, scheduleEvents, storedAsAccepted } from './harness/replica-probes.js';

/** Attempts of `fault.apply`: a task failing this many runs dead-letters. */
const APPLY_ATTEMPTS = 3;

function assertClean(verdict: Verdict): void {
  assert.deepEqual(verdict.lost, [], 'no accepted job lost');
  assert.equal(verdict.duplicatedEffects, 0, 'no effect applied twice');
  assert.deepEqual(verdict.overBudget, [], 'no job ran more than attempts + max stalled count');
}

const alive = (process: StackProcess) => process.child.exitCode === null && process.child.signalCode === null;

describe('replicas: 2 APIs and 3 workers on one Redis and one Postgres', () => {
  let stack: FaultStack;
  const apis = () => stack.processes.filter((process) => process.name.startsWith('api') && alive(process));

  before(async () => {
    stack = await FaultStack.start({
      env: {
        // A bulk operation's lease (30 s by default), short so a takeover happens within seconds.
        OPERATION_LEASE_MS: '2000',
        // Each relay sweep holds its rows 1.5 s longer, so two relays' sweeps overlap.
        FAULT_RELAY_ENQUEUE_DELAY_MS: '1500',
      },
    });
    await Promise.all([stack.startApi(), stack.startApiReplica()]);
    await Promise.all([stack.startWorker(), stack.startWorker(), stack.startWorker()]);
  });
  after(() => stack.close());

  /** Retries every open dead letter by filter through `api`, then waits for each to be redriven and resolved. */
  async function retryOpenDeadLetters(api: StackProcess, ratePerSecond: number, duringIt: (operation: OperationStatus) => Promise<void>): Promise<OperationStatus> {
    const answer = await post<OperationStatus>(`${api.url}/v1/dead-letters/retry`, { filter: { status: 'open' }, ratePerSecond });
    assert.equal(answer.status, 202, answer.text);
    const operation = answer.body;
    await duringIt(operation);
    await waitFor('the operation finished', async () => (await operationRow(stack, operation.id)).status !== 'running', { timeoutMs: 20_000, intervalMs: 100 });
    await waitFor('every dead letter resolved', async () => (await retriesPerDeadLetter(stack, operation.id)).every((letter) => letter.status === 'resolved'), { timeoutMs: 20_000, intervalMs: 100 });
    const letters = await retriesPerDeadLetter(stack, operation.id);
    assert.equal(letters.length, operation.matched);
    assert.deepEqual(letters.filter((letter) => letter.redrives !== 1 || letter.retries !== 1), [], 'each dead letter retried exactly once');
    const final = await operationRow(stack, operation.id);
    assert.deepEqual({ status: final.status, done: final.done, failed: final.failed }, { status: 'completed', done: operation.matched, failed: 0 }, 'every item done once, none skipped');
    const redrives = await stack.query<{ id: string }>('SELECT id FROM switchyard.jobs WHERE operation_id = $1', [operation.id]);
    assert.equal(redrives.length, operation.matched, 'one redrive job per dead letter');
    assert.ok(redrives.every((job) => job.id.endsWith('.r1')), 'no second redrive of anything');
    return operation;
  }

  it('b: the outbox relays of both APIs share the backlog of a Redis outage: no row taken by two sweeps, one BullMQ job per row, effects once', async () => {
    // More rows than one sweep takes (500), so there is work for two relays at once.
    const jobs = 800;
    await stack.redis.stop();
    const accepted = await stack.acceptTasks(jobs / 2, {}, apis().map((api) => api.url));
    const [unsent] = await stack.query<{ n: number }>('SELECT count(*)::int AS n FROM switchyard.jobs WHERE published_at IS NULL');
    assert.equal(unsent.n, jobs, 'Redis away: every job left in the outbox');
    await stack.redis.start();
    await Promise.all(apis().map(apiReady));
    // Both relays sweep at one moment, each holding its batch's rows 1.5 s: the sweeps overlap.
    for (const api of apis()) api.child.kill('SIGUSR2');
    await waitForDrain(stack, accepted);
    const verdict = await check(stack, accepted, FAULT_TIMERS.maxStalledCount, { onlyAccepted: true });
    const swept = apis().map((api) => [...api.output().matchAll(/relay published (\d+) jobs/g)].reduce((total, match) => total + Number(match[1]), 0));
    const handed = new Map([...(await handedToBullmq(stack, 'fault-apply')), ...(await handedToBullmq(stack, 'fault-tally'))]);
    const jobIds = accepted.flatMap((event) => event.jobs.map((job) => job.id));
    const duplicated = jobIds.filter((id) => (handed.get(id)?.duplicated ?? 0) > 0).length;
    console.log(`replicas b: relays published ${swept.join(' + ')} of ${jobs} jobs (re-adds BullMQ ignored: ${duplicated}); ${describeVerdict(verdict)}`);
    assertClean(verdict);
    assert.ok(swept.every((count) => count > 0), `both relays swept (${swept.join(', ')})`);
    // Counted from committed sweeps only: two relays that both took a row would count it twice. (A sweep whose
    // Redis call timed out rolls back uncounted; the row is published again, or marked by the worker that ran it.)
    assert.ok(swept[0] + swept[1] <= jobs, `no row published by two committed sweeps (${swept.join(' + ')} of ${jobs})`);
    assert.deepEqual(jobIds.filter((id) => handed.get(id)?.added !== 1), [], 'one BullMQ job per row');
    await waitFor('no job left in BullMQ but completed ones, no run unfinished', async () => {
      const counts = await Promise.all(['fault-apply', 'fault-tally'].map((queue) => stack.queue(queue).getJobCounts('active', 'wait', 'delayed', 'prioritized')));
      const [{ running }] = await stack.query<{ running: number }>('SELECT count(*)::int AS running FROM executions WHERE finished_at IS NULL');
      return running === 0 && counts.every((count) => Object.values(count).every((n) => n === 0));
    });
    for (const [queue, handler] of [['fault-apply', 'fault.apply'], ['fault-tally', 'fault.tally']]) {
      const [runs] = await stack.query<{ n: number }>('SELECT count(*)::int AS n FROM executions WHERE handler = $1 AND finished_at IS NOT NULL', [handler]);
      const counted = await waitFor(`${queue} completions flushed`, async () => {
        const count = await completionsCounted(stack, queue);
        return count.fine >= runs.n && count;
      });
      assert.deepEqual(counted, { fine: runs.n, coarse: runs.n }, `${queue}: each successful run counted once per resolution`);
    }
  });

  it('a: mixed load round-robin over both APIs, one API and one worker kill -9ed and restarted; a bulk retry whose lease holder is killed', async () => {
    const [apiA, apiB] = apis();
    const workers = stack.processes.filter((process) => process.name.startsWith('worker') && alive(process));
    let posted = 0;
    // Every 7th task fails all its attempts and dead-letters; the rest are short jobs, in flight when the kills land.
    const load = new IngestLoad(stack, { concurrency: 6, apiUrls: [apiA.url, apiB.url], task: () => (++posted % 7 === 0 ? { failRuns: APPLY_ATTEMPTS } : { sleepMs: 30 }) });
    const applied = async () => (await stack.query<{ n: number }>('SELECT count(*)::int AS n FROM effects'))[0].n;
    const start = await applied();
    let orphans = 0;
    try {
      await waitFor('load under way', async () => (await applied()) >= start + 60, { timeoutMs: 20_000 });
      await Promise.all([apiA.kill9(), workers[0].kill9()]);
      [{ orphans }] = await stack.query<{ orphans: number }>('SELECT count(*)::int AS orphans FROM executions WHERE worker_pid = $1 AND finished_at IS NULL', [workers[0].pid]);
      await Promise.all([stack.startApiReplica({}, apiA.url), stack.startWorker()]);
      const restarted = await applied();
      await waitFor('load after the restarts', async () => (await applied()) >= restarted + 60, { timeoutMs: 20_000 });
    } finally {
      await load.stop();
    }
    const accepted = load.accepted();
    // Only POSTs to the killed API may go unanswered; they promised nothing, so the checker does not look for them.
    assert.deepEqual(load.unexpected().filter((answer) => !(answer.error && answer.apiUrl === apiA.url)), [], 'every answered POST a 202');
    await waitForDrain(stack, accepted);
    const verdict = await check(stack, accepted, FAULT_TIMERS.maxStalledCount, { onlyAccepted: true });
    console.log(`replicas a (load): answers ${JSON.stringify(load.byStatus())}; the killed worker held ${orphans} runs; ${describeVerdict(verdict)}`);
    assertClean(verdict);
    const [letters] = await stack.query<{ n: number; unplanted: number }>(
      `SELECT count(*)::int AS n, count(*) FILTER (WHERE d.handler <> 'fault.apply' OR (e.data->>'failRuns')::int = 0)::int AS unplanted
       FROM switchyard.dead_letters d JOIN switchyard.events e ON e.id = d.event_id`,
    );
    assert.ok(letters.n >= 10, `enough dead letters to retry (${letters.n})`);
    assert.equal(letters.unplanted, 0, 'only the planted failures dead-lettered');

    // The bulk retry: whichever API holds its lease part-way through is killed; the other takes it over once the lease lapses.
    let killed = '';
    await retryOpenDeadLetters(apis()[0], 20, async (operation) => {
      const holding = await waitFor('a lease holder part-way through', async () => {
        const row = await operationRow(stack, operation.id);
        return row.lease_owner !== null && row.done >= 5 && row.done < row.matched && row;
      }, { timeoutMs: 15_000, intervalMs: 20 });
      const holder = apis().find((api) => leaseOwnerOf(api) === holding.lease_owner);
      assert.ok(holder, `the lease owner ${holding.lease_owner} is one of the APIs`);
      await holder.kill9();
      killed = `${holder.name} killed with ${holding.done} of ${holding.matched} done`;
    });
    const retried = await check(stack, accepted, FAULT_TIMERS.maxStalledCount, { onlyAccepted: true });
    assertClean(retried);
    const [effects] = await stack.query<{ n: number }>("SELECT count(*)::int AS n FROM effects WHERE handler = 'fault.apply' AND event_id = ANY($1::uuid[])", [accepted.map((event) => event.eventId)]);
    assert.equal(effects.n, accepted.length, 'every accepted task applied, the retried ones included');
    console.log(`replicas a (bulk retry): ${letters.n} dead letters, lease holder ${killed}; ${describeVerdict(retried)}`);
    await stack.startApiReplica();
  });

  it('c: a schedule ticking every second on every replica, one API kill -9ed and a worker frozen: exactly one event per tick', async () => {
    const [apiA, apiB] = apis();
    const created = await post(`${apiA.url}/v1/schedules`, { name: 'replicas-tick', type: 'fault.task', data: {}, intervalMs: 1_000 });
    assert.equal(created.status, 201, created.text);
    await waitFor('three ticks', async () => (await scheduleEvents(stack, 'replicas-tick')).length >= 3, { timeoutMs: 10_000 });
    await apiA.kill9();
    const killedAt = new Date();
    // A worker frozen meanwhile, wherever it was: in a claim, it holds the schedule until Postgres ends the claim.
    const frozen = stack.processes.find((process) => process.name.startsWith('worker') && alive(process))!;
    frozen.pause();
    try {
      await waitFor('four ticks after the kill', async () => (await scheduleEvents(stack, 'replicas-tick')).filter((event) => event.tick > killedAt).length >= 4, { timeoutMs: 15_000 });
    } finally {
      frozen.resume();
    }
    const paused = await post(`${apiB.url}/v1/schedules/replicas-tick/pause`, {});
    assert.equal(paused.status, 200, paused.text);

    const events = await scheduleEvents(stack, 'replicas-tick');
    const ticks = events.map((event) => event.tick.getTime());
    assert.equal(new Set(ticks).size, ticks.length, 'no tick emitted twice');
    assert.equal(ticks.at(-1)! - ticks[0], (ticks.length - 1) * 1_000, 'no tick skipped');
    const firers = new Set(events.map((event) => event.fired_by));
    const accepted: AcceptedEvent[] = await storedAsAccepted(stack, events.map((event) => event.event_id));
    await waitForDrain(stack, accepted);
    const verdict = await check(stack, accepted, FAULT_TIMERS.maxStalledCount, { onlyAccepted: true });
    console.log(`replicas c: ${ticks.length} ticks over ${(ticks.at(-1)! - ticks[0]) / 1000} s, fired by ${firers.size} replicas; ${describeVerdict(verdict)}`);
    assertClean(verdict);
    assert.ok(firers.size >= 2, 'the replicas shared the ticks');
  });

  it('d: a lease holder frozen mid-batch past its lease; its twin (same WORKER_ID) takes over and finishes; thawed, it does nothing twice', async () => {
    // Two APIs under one WORKER_ID replace the others, so the twin is the only one left to take over.
    await Promise.all(apis().map((api) => api.kill9()));
    // It stops itself (SIGSTOP) inside its second batch: dead letters changed and locked, not committed.
    const frozen = await stack.startApiReplica({ WORKER_ID: 'fault-api-twin', FAULT_FREEZE_IN_OPERATION_BATCH: '2' });
    const accepted = await stack.acceptTasks(24, { failRuns: APPLY_ATTEMPTS }, [frozen.url]);
    await waitForDrain(stack, accepted);
    let twinOwner = '';
    await retryOpenDeadLetters(frozen, 8, async (operation) => {
      assert.equal(operation.matched, 24);
      await waitFor('the holder frozen in its second batch', () => /freezing inside operation batch 2/.test(frozen.output()) && frozen.stopped(), { timeoutMs: 10_000 });
      const twin = await stack.startApiReplica({ WORKER_ID: 'fault-api-twin' });
      twinOwner = leaseOwnerOf(twin);
      assert.notEqual(leaseOwnerOf(frozen), twinOwner, 'one WORKER_ID, two lease owners');
      await waitFor('the twin to take the lease over', async () => (await operationRow(stack, operation.id)).lease_owner === twinOwner, { timeoutMs: 10_000 });
      // The frozen holder's batch locks are released by Postgres, not by its thaw: the twin finishes meanwhile.
      await waitFor('the twin to finish while the holder is still frozen', async () => (await operationRow(stack, operation.id)).status !== 'running', { timeoutMs: 20_000, intervalMs: 100 });
      assert.ok(frozen.stopped(), 'still frozen');
      frozen.resume();
    });
    const verdict = await check(stack, accepted, FAULT_TIMERS.maxStalledCount, { onlyAccepted: true });
    console.log(`replicas d: frozen ${leaseOwnerOf(frozen)}, took over ${twinOwner}; ${describeVerdict(verdict)}`);
    assertClean(verdict);
    // Thawed, it finds its session gone and its lease taken; it carries on serving.
    await apiReady(frozen);
    assert.ok(alive(frozen), 'the thawed API runs on');
  });
});
