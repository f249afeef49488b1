// Scenario 8: Postgres stopped, on a cluster of the test's own (the shared
// one is never touched). During ingest the API answers 503 with Retry-After
// and publishes no job whose event row was not committed; after the restart
// every 202 is delivered. A job whose last attempt fails while Postgres is
// down keeps its place until Postgres is back, then its dead letter is
// written exactly once.
import { ThrowawayPostgres, waitFor } from '@switchyard/testing';
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { check, describeVerdict, waitForDrain } from './harness/checker.js';
import { FAULT_TIMERS, FaultStack } from './harness/fault-stack.js';
import { duringIngest } from './harness/ingest-load.js';

describe('scenario 8: Postgres stopped', () => {
  let postgres: ThrowawayPostgres;
  let stack: FaultStack;
  before(async () => {
    postgres = await ThrowawayPostgres.start();
    stack = await FaultStack.start({ databaseUrl: postgres.url('switchyard_faults') });
    await stack.startApi();
    await stack.startWorker();
  });
  after(async () => {
    await stack?.close();
    await postgres?.dispose();
  });

  it('during ingest: 503 with Retry-After, no job without its event, every 202 delivered', async () => {
    let down = 0;
    let up = 0;
    const load = await duringIngest(stack, async () => {
      await postgres.stop('fast');
      down = Date.now();
      await new Promise((resolve) => setTimeout(resolve, 2_000));
      await postgres.start();
      up = Date.now();
    }, { task: { sleepMs: 20 }, tailMs: 3_000 });
    console.log(`scenario 8a: answers ${JSON.stringify(load.byStatus())}; Postgres away ${up - down} ms`);
    assert.deepEqual(load.unexpected().slice(0, 5), [], 'only 202s and 503s with Retry-After');
    assert.ok(load.answers.some((answer) => answer.status === 503), 'some requests met the outage');
    assert.ok(load.answers.some((answer) => answer.status === 202 && answer.at > up), 'ingest recovered on its own');

    const accepted = load.accepted();
    await waitForDrain(stack, accepted);
    const verdict = await check(stack, accepted, FAULT_TIMERS.maxStalledCount);
    console.log(`scenario 8a: ${describeVerdict(verdict)}`);
    assert.deepEqual(verdict.lost, []);
    assert.equal(verdict.duplicatedEffects, 0);
    assert.deepEqual(verdict.overBudget, []);

    const jobIds: string[] = [];
    for (const queue of ['fault-apply', 'fault-tally']) {
      for (const job of await stack.queue(queue).getJobs(['completed', 'failed', 'waiting', 'active', 'delayed', 'prioritized'], 0, -1)) jobIds.push(job.id ?? '');
    }
    const [orphans] = await stack.query<{ n: number }>(
      'SELECT count(*)::int AS n FROM unnest($1::text[]) AS j(id) WHERE NOT EXISTS (SELECT 1 FROM switchyard.events e WHERE e.id::text = split_part(j.id, \'.\', 1))',
      [jobIds],
    );
    console.log(`scenario 8a: ${jobIds.length} jobs in BullMQ, ${orphans.n} without an event row`);
    assert.ok(jobIds.length >= verdict.expectedJobs);
    assert.equal(orphans.n, 0, 'no job without an event row');
  });

  it('while a job fails for the last time: the dead letter is written once Postgres is back, exactly once', async () => {
    const [doomed] = await stack.acceptTasks(1, { sleepMs: 1_500, fail: true });
    const jobId = doomed.jobs.find((job) => job.handler === 'fault.apply')!.id;
    await waitFor('the doomed job running', async () => (await stack.query('SELECT 1 FROM executions WHERE job_id = $1', [jobId])).length > 0);
    await postgres.stop('fast');
    const down = Date.now();
    await new Promise((resolve) => setTimeout(resolve, 3_000));
    await postgres.start();
    const up = Date.now();

    await waitForDrain(stack, [doomed], 30_000);
    await waitFor('BullMQ to fail the job', async () => (await (await stack.queue('fault-apply').getJob(jobId))?.getState()) === 'failed', { timeoutMs: 15_000 });
    const letters = await stack.query<{ status: string; written_ms: number }>(
      'SELECT status, (extract(epoch FROM created_at) * 1000 - $2::float8)::int AS written_ms FROM switchyard.dead_letters WHERE job_id = $1',
      [jobId, up],
    );
    const actions = await stack.query<{ action: string }>(
      'SELECT a.action FROM switchyard.dead_letter_actions a JOIN switchyard.dead_letters d ON d.id = a.dead_letter_id WHERE d.job_id = $1',
      [jobId],
    );
    const verdict = await check(stack, [doomed], FAULT_TIMERS.maxStalledCount);
    console.log(`scenario 8b: Postgres away ${up - down} ms; dead letter written ${letters[0]?.written_ms} ms after it was back; ${describeVerdict(verdict)}`);
    assert.equal(letters.length, 1, 'one dead letter');
    assert.equal(letters[0].status, 'open');
    assert.deepEqual(actions, [{ action: 'dead-lettered' }], 'written once: no second failure recorded for it');
    assert.deepEqual(verdict.lost, []);
    assert.deepEqual(verdict.overBudget, []);
  });
});
