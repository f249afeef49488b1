import type { DynamicModule, Type } from '@nestjs/common';
import type { AcceptedEvent } from '@switchyard/core/contracts';
import { loadConfig, QueueRegistry, queueKeyPrefix } from '@switchyard/server/internal';
import { runNode, ThrowawayRedisCluster, uniqueQueuePrefix, waitFor } from '@switchyard/testing';
import { anOrder, orderPlacedEvent } from '@switchyard/example-shop';
import { createWorkerApp, toWorkerConfig, workerEnvSchema } from '@switchyard/server/internal';
import assert from 'node:assert/strict';
import { after, afterEach, before, describe, it } from 'node:test';
import {
  neighbours,
  OwnConnectionPaymentQueueEventsModule,
  PaymentQueueEventsModule,
  PaymentQueuePeek,
  PaymentQueuePeekModule,
  RegisteredChargeListenerModule,
  RegisteredPaymentQueuePeekModule,
  Reports,
  ReportsModule,
} from './fixtures/bullmq-neighbours.js';
import { TestHandlersModule, testEvents } from './fixtures/test-handlers.js';
import { resetWithCatalogue } from './support/database.js';
import { type AppHandlers, shopApp } from './support/shop.js';
import { TestStack } from './support/stack.js';

/** The stack's usual handler modules plus `extra`. */
function handlersWith(env: Record<string, string>, ...extra: Array<Type | DynamicModule>): AppHandlers {
  return shopApp(env, TestHandlersModule, ...extra);
}

/**
 * A worker process on `stack`'s Redis and database with the fixture modules
 * `neighbours` beside the usual handlers, expected to refuse to start: its
 * output. (The app's modules, and so its @nestjs/bullmq neighbours, run in
 * the workers: the API holds no app code.)
 */
async function refusalOf(stack: TestStack, ...neighbours: string[]): Promise<string> {
  const worker = runNode('e2e/dist/fixtures/bullmq-neighbours.worker.js', { ...stack.env, NEIGHBOUR: neighbours.join(',') });
  await waitFor('the worker to start or exit', () => /worker ready/.test(worker.output()) || worker.child.exitCode !== null, { timeoutMs: 60_000 });
  if (worker.child.exitCode === null) {
    worker.child.kill('SIGKILL');
    await worker.exited;
    assert.fail(`the worker started:\n${worker.output()}`);
  }
  assert.equal((await worker.exited).code, 1);
  return worker.output();
}

/** Posts an order; returns its payment job's id once Switchyard has published it. */
async function publishPaymentJob(stack: TestStack): Promise<string> {
  const answer = await stack.post<AcceptedEvent>('/v1/events', orderPlacedEvent(anOrder()));
  assert.equal(answer.status, 202, answer.text);
  const job = answer.body.jobs.find((candidate) => candidate.queue === 'payment');
  assert.ok(job, JSON.stringify(answer.body.jobs));
  await waitFor('the payment job in Redis', async () => (await stack.queue('payment').getJob(job.id)) !== undefined);
  return job.id;
}

/** The payment job is where Switchyard put it (priority 1), untouched by anyone. */
async function assertUntouched(stack: TestStack, jobId: string): Promise<void> {
  const job = await stack.queue('payment').getJob(jobId);
  assert.equal(await job?.getState(), 'prioritized');
  assert.equal(job?.attemptsStarted ?? 0, 0);
}

/**
 * A worker whose app module injects @InjectQueue('payment'): that is the
 * Queue its Switchyard publishes to, and it sees the job `stack` published.
 * The worker consumes another queue only, so the job stays where it is.
 */
async function assertInjectedQueueIsSwitchyards(stack: TestStack, jobId: string): Promise<void> {
  const config = toWorkerConfig(loadConfig(workerEnvSchema, { ...stack.env, WORKER_QUEUES: 'email' }));
  const worker = await createWorkerApp({ config, events: testEvents, ...handlersWith(stack.env, PaymentQueuePeekModule) });
  try {
    await worker.init();
    const injected = worker.get(PaymentQueuePeek, { strict: false }).queue;
    assert.equal(injected, worker.get(QueueRegistry).get('payment'), 'one Queue object for the payment queue');
    assert.equal(injected.opts.prefix, queueKeyPrefix(stack.env.QUEUE_PREFIX, 'payment', Boolean(stack.env.REDIS_CLUSTER_NODES)));
    assert.equal((await injected.getJob(jobId))?.name, 'payment.charge');
    const counts = await injected.getJobCounts('waiting', 'prioritized');
    assert.ok((counts.waiting ?? 0) + (counts.prioritized ?? 0) >= 1, JSON.stringify(counts));
  } finally {
    await worker.close();
  }
}

describe('@nestjs/bullmq beside Switchyard', () => {
  let stack: TestStack;
  before(async () => {
    await resetWithCatalogue();
    // No worker until the last test: the jobs Switchyard publishes stay where a foreign processor could take them.
    stack = await TestStack.start({ worker: false });
  });
  after(async () => stack?.close());
  afterEach(() => {
    neighbours.reported.length = 0;
    neighbours.completedPayments.length = 0;
  });

  it('refuses to start a worker with a @Processor on a Switchyard queue, naming the class and the queue, and takes none of its jobs', async () => {
    const jobId = await publishPaymentJob(stack);
    const output = await refusalOf(stack, 'ChargeListenerModule');
    assert.match(output, /@Processor\('payment'\) on ChargeListener would take jobs from Switchyard's queue "payment" and bypass retries, idempotency and the dead-letter queue; write an @EventHandler\(\{ on: …, queue: 'payment' \}\) class instead/);
    await assertUntouched(stack, jobId);
  });

  it('refuses a second registerQueue or a blocking listener on a Switchyard queue too, saying what to change', async () => {
    const jobId = await publishPaymentJob(stack);
    const output = await refusalOf(stack, 'RegisteredChargeListenerModule', 'PaymentQueueEventsModule');
    assert.match(output, /@Processor\('payment'\) on ChargeListener would take jobs from Switchyard's queue "payment"/);
    assert.match(output, /BullModule\.registerQueue\(\{ name: 'payment' \}\) in RegisteredChargeListenerModule makes a second Queue/);
    assert.match(output, /@QueueEventsListener\('payment'\) on PaymentQueueEvents .* give the listener a connection of its own/);
    await assertUntouched(stack, jobId);
  });

  it("runs a @Processor on a queue of the app's own", async () => {
    const worker = await createWorkerApp({ config: toWorkerConfig(loadConfig(workerEnvSchema, stack.env)), events: testEvents, ...handlersWith(stack.env, ReportsModule) });
    try {
      await worker.get(Reports, { strict: false }).queue.add('monthly', { n: 7 });
      await waitFor('the report job to run', () => neighbours.reported.includes(7));
    } finally {
      await worker.close();
    }
  });

  it("gives @InjectQueue('payment') the queue Switchyard publishes to", async () => {
    await assertInjectedQueueIsSwitchyards(stack, await publishPaymentJob(stack));
  });

  it('lets a @QueueEventsListener with a connection of its own hear the jobs of a Switchyard queue complete', async () => {
    const worker = await createWorkerApp({
      config: toWorkerConfig(loadConfig(workerEnvSchema, stack.env)),
      events: testEvents,
      ...handlersWith(stack.env, OwnConnectionPaymentQueueEventsModule),
    });
    try {
      const jobId = await publishPaymentJob(stack);
      await waitFor('the completed event of the payment job', () => neighbours.completedPayments.includes(jobId), { timeoutMs: 20_000 });
    } finally {
      await worker.close();
    }
  });
});

describe('@InjectQueue on a Redis Cluster, where each queue has a key prefix of its own', () => {
  let cluster: ThrowawayRedisCluster;
  let stack: TestStack;
  before(async () => {
    await resetWithCatalogue();
    cluster = await ThrowawayRedisCluster.start();
    stack = await TestStack.start({ worker: false, env: { REDIS_CLUSTER_NODES: cluster.nodesEnv, QUEUE_PREFIX: uniqueQueuePrefix() } });
  });
  after(async () => {
    await stack?.close();
    await cluster?.dispose();
  });

  it("gives @InjectQueue('payment') the queue Switchyard publishes to, under its per-queue prefix", async () => {
    await assertInjectedQueueIsSwitchyards(stack, await publishPaymentJob(stack));
  });

  it('refuses a BullModule.registerQueue of a Switchyard queue, naming the prefix it would miss', async () => {
    const output = await refusalOf(stack, 'RegisteredPaymentQueuePeekModule');
    const prefix = queueKeyPrefix(stack.env.QUEUE_PREFIX, 'payment', true);
    assert.ok(
      output.replace(/\s+/g, ' ').includes(`BullModule.registerQueue({ name: 'payment' }) in RegisteredPaymentQueuePeekModule makes a second Queue for Switchyard's queue "payment", which on Redis Cluster has another key prefix than Switchyard's ("${prefix}")`),
      output,
    );
  });
});
