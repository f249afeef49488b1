import type { ConsumerState } from '@switchyard/server/internal';
import { freePort, get, type RunningProcess, runNode, ThrowawayRedis, waitFor, waitForOutput } from '@switchyard/testing';
import { Worker } from 'bullmq';
import { Redis } from 'ioredis';
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { resetWithCatalogue } from './support/database.js';
import { TestStack, testEnv } from './support/stack.js';

interface WorkerReadiness {
  ready: boolean;
  checks: { redis: string; postgres: string; workers: string };
  workers: ConsumerState[];
}

const readiness = (port: number) => get<WorkerReadiness>(`http://127.0.0.1:${port}/health/ready`);
const stateOf = (answer: WorkerReadiness, queue: string) => answer.workers.find((worker) => worker.queue === queue);

describe('a worker process whose blocking connection for one queue dies and cannot come back', () => {
  let redis: ThrowawayRedis;
  let admin: Redis;
  let worker: RunningProcess;
  let metricsPort: number;
  before(async () => {
    await resetWithCatalogue();
    redis = await ThrowawayRedis.start();
    // Opened first and kept: once maxclients is lowered, no new connection gets in.
    admin = new Redis(redis.url, { maxRetriesPerRequest: 1 });
    metricsPort = await freePort();
    worker = runNode('examples/shop/dist/main/worker.main.js', testEnv({ REDIS_URL: redis.url, WORKER_ID: 'readiness', METRICS_PORT: String(metricsPort), LOG_LEVEL: 'log' }));
    await waitForOutput(worker, /worker readiness ready/, 'the worker to start', 60_000);
  });
  after(async () => {
    await admin?.call('CONFIG', 'SET', 'maxclients', '10000').catch(() => undefined);
    if (worker && worker.child.exitCode === null) {
      worker.child.kill('SIGTERM');
      await worker.exited;
    }
    admin?.disconnect();
    await redis?.dispose();
  });

  it('is ready, then 503 naming that queue while the connection is refused, then ready again once Redis takes it back', { timeout: 120_000 }, async () => {
    const ready = await waitFor('the worker to be ready', async () => {
      const answer = await readiness(metricsPort);
      return answer.status === 200 && answer.body;
    }, { timeoutMs: 30_000 });
    assert.deepEqual(ready.checks, { redis: 'up', postgres: 'up', workers: 'up' });
    assert.ok(ready.workers.length > 1 && ready.workers.every((w) => w.state === 'running'), JSON.stringify(ready.workers));
    assert.ok(stateOf(ready, 'payment'), 'the worker consumes the payment queue');

    // BullMQ names a worker's blocking connection <prefix>:<base64 of the queue>:w:<worker name>.
    const paymentBlocking = `:${Buffer.from('payment').toString('base64')}:w:readiness`;
    const clients = String(await admin.call('CLIENT', 'LIST')).trim().split('\n');
    const blocking = clients.filter((line) => line.includes(paymentBlocking) && /flags=\S*b|cmd=bzpopmin/.test(line));
    assert.equal(blocking.length, 1, clients.join('\n'));
    // Every client connected now keeps its place; the one killed cannot reconnect.
    await admin.call('CONFIG', 'SET', 'maxclients', String(clients.length - 1));
    await admin.call('CLIENT', 'KILL', 'ID', /\bid=(\d+)/.exec(blocking[0])![1]);

    const refused = await waitFor('readiness to fail', async () => {
      const answer = await readiness(metricsPort);
      return answer.status === 503 && answer.body;
    }, { timeoutMs: 20_000 });
    assert.equal(refused.ready, false);
    assert.deepEqual(refused.checks, { redis: 'up', postgres: 'up', workers: 'down' }, 'Redis and Postgres answer: only the worker is down');
    assert.deepEqual(stateOf(refused, 'payment'), { queue: 'payment', state: 'disconnected', reason: 'its blocking Redis connection is reconnecting' });
    for (const other of refused.workers.filter((w) => w.queue !== 'payment')) assert.equal(other.state, 'running', JSON.stringify(other));

    await admin.call('CONFIG', 'SET', 'maxclients', '10000');
    const recovered = await waitFor('readiness to recover', async () => {
      const answer = await readiness(metricsPort);
      return answer.status === 200 && answer.body;
    }, { timeoutMs: 30_000 });
    assert.deepEqual(stateOf(recovered, 'payment'), { queue: 'payment', state: 'running' });
  });
});

describe('a worker shutting down with a job in flight', () => {
  let stack: TestStack;
  let metricsPort: number;
  before(async () => {
    await resetWithCatalogue();
    stack = await TestStack.start({ worker: false });
    metricsPort = await freePort();
    await stack.startWorker({ METRICS_PORT: String(metricsPort), WORKER_SHUTDOWN_GRACE_MS: '20000' });
  });
  after(() => stack.close());

  it('answers 503 naming each queue as closing while the job finishes', { timeout: 60_000 }, async () => {
    // Ready once its queues' BullMQ workers have connected, which may come a moment after init().
    await waitFor('the worker ready', async () => (await readiness(metricsPort)).status === 200, { timeoutMs: 5_000, intervalMs: 20 });
    assert.equal((await stack.post('/v1/events', { type: 'test.timed', data: { ms: 4_000 } })).status, 202);
    await waitFor('the timed job to be running', async () => (await stack.queue('test-timed').getActiveCount()) === 1, { timeoutMs: 20_000 });

    // The app's shutdown sequence, as SIGTERM runs it: the workers close, waiting for the job.
    const stopped = stack.stopWorker();
    const refused = await waitFor('readiness to fail', async () => {
      const answer = await readiness(metricsPort);
      return answer.status === 503 && answer.body;
    }, { timeoutMs: 3_000, intervalMs: 20 });
    assert.equal(refused.checks.workers, 'down');
    assert.deepEqual(stateOf(refused, 'test-timed'), { queue: 'test-timed', state: 'closing', reason: 'its worker is closing: it takes no new jobs while those in flight finish' });
    assert.ok(refused.workers.every((w) => w.state === 'closing' || w.state === 'closed'), JSON.stringify(refused.workers));
    assert.equal(await stack.queue('test-timed').getActiveCount(), 1, 'the job was still running');
    await stopped;
  });
});

describe('a worker isolating a job that was in flight when another worker died', () => {
  let stack: TestStack;
  let metricsPort: number;
  before(async () => {
    await resetWithCatalogue();
    stack = await TestStack.start({ worker: false });
    metricsPort = await freePort();
  });
  after(() => stack.close());

  it('answers 503 naming its queues as paused while the suspect runs alone, then ready again', { timeout: 60_000 }, async () => {
    assert.equal((await stack.post('/v1/events', { type: 'test.timed', data: { ms: 3_000 } })).status, 202);
    const queue = stack.queue('test-timed');
    await waitFor('the timed job to be waiting', async () => (await queue.getWaitingCount()) === 1);
    // Another worker takes the job and dies holding it: its lock lapses and the job stalls.
    const connection = new Redis(stack.env.REDIS_URL, { maxRetriesPerRequest: null });
    const crashed = new Worker('test-timed', null, { connection, prefix: queue.opts.prefix, lockDuration: 1_000 });
    try {
      assert.ok(await crashed.getNextJob('crashed-worker'), 'the other worker took the job');
    } finally {
      await crashed.close(true);
      connection.disconnect();
    }

    await stack.startWorker({ METRICS_PORT: String(metricsPort) });
    // Stalled, the job comes back with stalledCounter 1 and runs alone: every worker of the process pauses meanwhile.
    // (A worker still connecting at boot is not ready either: wait for the quarantine's answer.)
    const refused = await waitFor('readiness to fail for the quarantine', async () => {
      const answer = await readiness(metricsPort);
      return answer.status === 503 && stateOf(answer.body, 'test-timed')?.state === 'paused' && answer.body;
    }, { timeoutMs: 20_000, intervalMs: 20 });
    assert.deepEqual(refused.checks, { redis: 'up', postgres: 'up', workers: 'down' });
    assert.deepEqual(stateOf(refused, 'test-timed'), { queue: 'test-timed', state: 'paused', reason: 'its worker is paused by this process' });
    await waitFor('readiness to recover once the suspect finished', async () => (await readiness(metricsPort)).status === 200, { timeoutMs: 20_000 });
    assert.equal(await queue.getCompletedCount(), 1);
  });
});
