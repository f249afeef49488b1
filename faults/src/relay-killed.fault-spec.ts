// Scenario 9: the outbox relay is killed after handing jobs to Redis but
// before marking their rows sent. The rows stay unsent; the next relay
// publishes them again under the same job ids. BullMQ ignores the ids it
// still holds, and where it already dropped a completed job the re-run is
// absorbed by the idempotency guard: every effect applies once.
import { waitFor } from '@switchyard/testing';
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { check, describeVerdict, waitForDrain } from './harness/checker.js';
import { FAULT_TIMERS, FaultStack } from './harness/fault-stack.js';

describe('scenario 9: the relay killed between enqueue and marking rows sent', () => {
  let stack: FaultStack;
  before(async () => {
    // Completed jobs are dropped at once, so a republish finds no job to dedupe against: the harder case.
    stack = await FaultStack.start({ env: { JOB_KEEP_COMPLETED: '0' } });
  });
  after(() => stack.close());

  it('republishes under the same job ids and applies each effect once', async () => {
    const doomed = await stack.startApi({ FAULT_DIE_AFTER_RELAY_ENQUEUE: '1' });
    await stack.startWorker();
    // Redis away at ingest: the 202s come from the outbox, and the relay will publish them.
    await stack.redis.stop();
    const accepted = await stack.acceptTasks(20);
    // Every publish after commit gives up first (PUBLISH_TIMEOUT_MS): one still waiting when Redis returns would mark its rows sent.
    const leftToRelay = () => [...doomed.output().matchAll(/Left (\d+) jobs to the outbox relay/g)].reduce((sum, match) => sum + Number(match[1]), 0);
    await waitFor('every publish to give its jobs to the relay', () => leftToRelay() === 40, { timeoutMs: 15_000 });
    await stack.redis.start();
    const { signal } = await doomed.exited;
    assert.equal(signal, 'SIGKILL', doomed.output());
    assert.match(doomed.output(), /relay enqueued \d+ jobs; dying before marking them sent/);
    // The relay died before its transaction committed: no row is marked sent, but for a job the worker already
    // ran from what the relay did enqueue (recording a job's outcome marks its row: it ran, so it was published).
    const [rows] = await stack.query<{ total: number; byRelay: number }>(
      'SELECT count(*)::int AS total, (count(*) FILTER (WHERE published_at IS NOT NULL AND outcome IS NULL))::int AS "byRelay" FROM switchyard.jobs',
    );
    assert.deepEqual(rows, { total: 40, byRelay: 0 }, 'the relay died before its transaction committed: no row marked sent by it');
    // The worker runs the jobs the dead relay did enqueue.
    await waitFor('the first publish to run', async () => (await stack.query('SELECT 1 FROM effects LIMIT 1')).length > 0, { timeoutMs: 20_000 });

    await stack.startApi();
    await waitForDrain(stack, accepted);
    await waitFor('every row marked sent', async () => (await stack.query<{ n: number }>('SELECT count(*)::int AS n FROM switchyard.jobs WHERE published_at IS NULL'))[0].n === 0);
    const verdict = await check(stack, accepted, FAULT_TIMERS.maxStalledCount);
    console.log(`scenario 9: ${describeVerdict(verdict)}`);
    assert.deepEqual(verdict.lost, []);
    assert.equal(verdict.duplicatedEffects, 0);
    assert.deepEqual(verdict.overBudget, []);
    const jobIds = new Set(accepted.flatMap((event) => event.jobs.map((job) => job.id)));
    const ran = await stack.query<{ job_id: string }>('SELECT DISTINCT job_id FROM executions');
    assert.ok(ran.every((row) => jobIds.has(row.job_id)), 'only the deterministic job ids ever ran');
  });
});
