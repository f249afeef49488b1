// Scenario 5: Redis restarted (SHUTDOWN NOSAVE) during sustained ingest.
// While it is away every POST is answered from Postgres: 202 with the jobs
// in the outbox (or 503 with Retry-After, never anything else); once it is
// back the relay publishes them, the same workers resume on their own, and
// every accepted event is delivered, once. Redis runs with an append-only
// file, as in production: the outbox covers Redis being away, not Redis
// forgetting jobs it acknowledged.
import { waitFor } from '@switchyard/testing';
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { check, describeVerdict, waitForDrain } from './harness/checker.js';
import { FAULT_TIMERS, FaultStack, type StackProcess } from './harness/fault-stack.js';
import { duringIngest } from './harness/ingest-load.js';

describe('scenario 5: Redis restarted during sustained ingest', () => {
  let stack: FaultStack;
  let workers: StackProcess[];
  before(async () => {
    stack = await FaultStack.start({ redis: { appendOnly: true } });
    await stack.startApi();
    workers = [await stack.startWorker(), await stack.startWorker()];
  });
  after(() => stack.close());

  it('answers 202 or 503 + Retry-After, and delivers every 202 after Redis returns', async () => {
    let down = 0;
    let up = 0;
    const load = await duringIngest(stack, async () => {
      await stack.redis.shutdownNoSave();
      down = Date.now();
      await new Promise((resolve) => setTimeout(resolve, 2_000));
      await stack.redis.start();
      up = Date.now();
    }, { task: { sleepMs: 20 } });
    console.log(`scenario 5: answers ${JSON.stringify(load.byStatus())}; Redis away ${up - down} ms`);
    assert.deepEqual(load.unexpected(), [], 'only 202s and 503s with Retry-After');
    const duringOutage = load.answers.filter((answer) => answer.at > down + 100 && answer.at < up - 100);
    assert.ok(duringOutage.length > 0 && duringOutage.every((answer) => answer.status === 202), 'accepted into the outbox while Redis was away');

    const accepted = load.accepted();
    await waitForDrain(stack, accepted);
    const verdict = await check(stack, accepted, FAULT_TIMERS.maxStalledCount);
    const [resumed] = await stack.query<{ first_ms: number }>(
      'SELECT (extract(epoch FROM min(started_at)) * 1000 - $1::float8)::int AS first_ms FROM executions WHERE started_at > to_timestamp($1::float8 / 1000)',
      [up],
    );
    console.log(`scenario 5: ${describeVerdict(verdict)}; first job ran ${resumed.first_ms} ms after Redis was back`);
    assert.deepEqual(verdict.lost, []);
    assert.equal(verdict.duplicatedEffects, 0);
    assert.deepEqual(verdict.overBudget, []);
    assert.equal(verdict.deadLetters.size, 0);
    assert.ok(workers.every((worker) => worker.child.exitCode === null), 'the same workers, never restarted');
    await waitFor('the outbox empty', async () => (await stack.query<{ n: number }>('SELECT count(*)::int AS n FROM switchyard.jobs WHERE published_at IS NULL'))[0].n === 0);
  });
});
