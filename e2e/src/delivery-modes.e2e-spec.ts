// Delivery modes (docs/handlers.md, "Delivery modes"): a real worker process
// is killed (-9), or stopped (SIGTERM), in the middle of one event's two jobs,
// one per mode (e2e/src/fixtures/delivery-handlers.ts). At-least-once re-runs
// and applies its effect once; at-most-once never starts again and leaves one
// dead letter saying why; an operator's redrive delivers it again, once.
import type { AcceptedEvent, RetryAnswer, RouteInfo } from '@switchyard/core/contracts';
import { queryRows, runNode, type RunningProcess, testDatabaseUrl, waitFor } from '@switchyard/testing';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { DELIVERY_TABLES_SQL, DeliveryHandlersModule, deliveryEvents } from './fixtures/delivery-handlers.js';
import { resetWithCatalogue } from './support/database.js';
import { TestStack } from './support/stack.js';

const db = testDatabaseUrl();
const LEAST = 'test.at-least-once';
const MOST = 'test.at-most-once';
const REFUSAL = /started before \("\S+Z" on worker "test-\d+"\) and may have run; at-most-once does not re-run it/;

describe('delivery modes: a worker killed in the middle of a job', () => {
  let stack: TestStack;
  before(async () => {
    await resetWithCatalogue(db);
    await queryRows(db, DELIVERY_TABLES_SQL);
    // Short locks, so a dead worker's jobs are offered again within seconds.
    stack = await TestStack.start({
      worker: false,
      events: deliveryEvents,
      handlers: () => [DeliveryHandlersModule],
      env: { WORKER_LOCK_DURATION_MS: '2000', WORKER_STALLED_INTERVAL_MS: '1000', WORKER_SHUTDOWN_GRACE_MS: '1000' },
    });
  });
  after(() => stack.close());

  const runs = (key: string) =>
    queryRows<{ job_id: string; handler: string; pid: number }>(db, 'SELECT job_id, handler, pid FROM delivery_runs WHERE key = $1 ORDER BY id', [key]);
  const effects = (key: string, handler: string) =>
    queryRows<{ n: number }>(db, 'SELECT count(*)::int AS n FROM delivery_effects WHERE key = $1 AND handler = $2', [key, handler]).then(([row]) => row.n);
  const deadLetters = (eventId: string) =>
    queryRows<{ id: string; handler: string; status: string; error_name: string; error_message: string; attempts_made: number }>(
      db,
      'SELECT id::text AS id, handler, status, error_name, error_message, attempts_made FROM switchyard.dead_letters WHERE event_id = $1',
      [eventId],
    );
  const stateOf = async (queue: string, jobId: string) => (await stack.queue(queue).getJob(jobId))?.getState();

  /** A worker process of its own; posts an event whose jobs hang in it, and waits until both started there. */
  async function hangInNewWorker(): Promise<{ worker: RunningProcess; key: string; eventId: string }> {
    const worker = runNode('e2e/dist/fixtures/delivery-modes.worker.js', stack.env);
    await waitFor('the worker to start', () => worker.output().includes('worker ready') || worker.child.exitCode !== null, { timeoutMs: 30_000 });
    assert.equal(worker.child.exitCode, null, worker.output());
    const key = randomUUID();
    const accepted = await stack.post<AcceptedEvent>('/v1/events', { type: 'test.delivery', data: { key, hangInPid: worker.child.pid } });
    assert.equal(accepted.status, 202);
    await waitFor('both jobs running in that worker', async () => (await runs(key)).length === 2, { timeoutMs: 20_000 });
    return { worker, key, eventId: accepted.body.eventId };
  }

  const killed = { key: '', eventId: '', pid: 0 };

  it('shows each handler’s delivery mode in GET /v1/routes', async () => {
    const { body } = await stack.get<RouteInfo[]>('/v1/routes');
    assert.deepEqual(
      body.map((route) => [route.handler, route.delivery, route.attempts]),
      [[LEAST, 'at-least-once', 3], [MOST, 'at-most-once', 1]],
    );
  });

  it('kill -9 mid-job: at-least-once runs again and applies its effect once', async () => {
    const { worker, key, eventId } = await hangInNewWorker();
    Object.assign(killed, { key, eventId, pid: worker.child.pid });
    worker.child.kill('SIGKILL');
    assert.equal((await worker.exited).signal, 'SIGKILL');
    await stack.startWorker();

    await waitFor('the at-least-once job completed', async () => (await stateOf('test-at-least-once', `${eventId}.${LEAST}`)) === 'completed', { timeoutMs: 30_000 });
    const least = (await runs(key)).filter((run) => run.handler === LEAST);
    assert.equal(least.length, 2, 'started in the killed worker, then again in the new one');
    assert.notEqual(least[1].pid, killed.pid);
    assert.equal(await effects(key, LEAST), 1, 'the guard kept the effect single');
  });

  it('kill -9 mid-job: at-most-once is not started again; one dead letter says why', async () => {
    const { key, eventId } = killed;
    const jobId = `${eventId}.${MOST}`;
    await waitFor('the at-most-once job failed', async () => (await stateOf('test-at-most-once', jobId)) === 'failed', { timeoutMs: 30_000 });
    assert.deepEqual((await runs(key)).filter((run) => run.handler === MOST).map((run) => run.pid), [killed.pid], 'exactly one execution, in the killed worker');
    assert.equal(await effects(key, MOST), 0, 'it died before its effect, and nothing ran it again');
    const letters = await deadLetters(eventId);
    assert.equal(letters.length, 1, 'one dead letter, for the at-most-once job only');
    assert.equal(letters[0].handler, MOST);
    assert.equal(letters[0].error_name, 'StartedBeforeError');
    assert.match(letters[0].error_message, REFUSAL);
    assert.deepEqual(await queryRows(db, 'SELECT job_id FROM switchyard.job_starts WHERE event_id = $1', [eventId]), [{ job_id: jobId }]);
  });

  it('an operator’s redrive of the at-most-once dead letter is a new delivery: it runs, once', async () => {
    const { key, eventId } = killed;
    const [letter] = await deadLetters(eventId);
    const retried = await stack.post<RetryAnswer>(`/v1/dead-letters/${letter.id}/retry`, {});
    assert.equal(retried.status, 202);
    assert.equal(retried.body.jobId, `${eventId}.${MOST}.r1`);
    await waitFor('the dead letter resolved', async () => (await deadLetters(eventId))[0].status === 'resolved', { timeoutMs: 20_000 });
    assert.deepEqual((await runs(key)).filter((run) => run.handler === MOST).map((run) => run.job_id), [`${eventId}.${MOST}`, `${eventId}.${MOST}.r1`]);
    assert.equal(await effects(key, MOST), 1);
  });

  it('SIGTERM past the grace period: at-least-once is handed back and re-runs; at-most-once is not, and becomes a dead letter', async () => {
    await stack.stopWorker(); // the hanging jobs must land in the process we stop
    const { worker, key, eventId } = await hangInNewWorker();
    worker.child.kill('SIGTERM');
    assert.equal((await worker.exited).code, 0, worker.output());
    assert.equal(await stateOf('test-at-least-once', `${eventId}.${LEAST}`), 'waiting', 'handed back at once');
    assert.equal(await stateOf('test-at-most-once', `${eventId}.${MOST}`), 'active', 'left to its lock, not handed back');

    await stack.startWorker();
    await waitFor('at-least-once completed', async () => (await stateOf('test-at-least-once', `${eventId}.${LEAST}`)) === 'completed', { timeoutMs: 30_000 });
    await waitFor('at-most-once failed', async () => (await stateOf('test-at-most-once', `${eventId}.${MOST}`)) === 'failed', { timeoutMs: 30_000 });
    const byHandler = (handler: string) => runs(key).then((rows) => rows.filter((run) => run.handler === handler).length);
    assert.deepEqual([await byHandler(LEAST), await byHandler(MOST)], [2, 1]);
    assert.deepEqual([await effects(key, LEAST), await effects(key, MOST)], [1, 0]);
    const letters = await deadLetters(eventId);
    assert.deepEqual(letters.map((letter) => [letter.handler, letter.error_name]), [[MOST, 'StartedBeforeError']]);
    assert.match(letters[0].error_message, REFUSAL);
  });
});
