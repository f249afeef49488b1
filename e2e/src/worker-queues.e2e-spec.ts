import type { AcceptedEvent, EventLineage } from '@switchyard/core/contracts';
import { freePort, type RunningProcess, runNode, waitFor } from '@switchyard/testing';
import { anOrder, orderPlacedEvent } from '@switchyard/example-shop';
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { resetWithCatalogue } from './support/database.js';
import { TestStack } from './support/stack.js';

const WORKER_MAIN = 'examples/shop/dist/main/worker.main.js';

/** The real worker entry point, as a Deployment runs it: `main.js --queues …`. */
function startWorker(stack: TestStack, args: string[], env: Record<string, string> = {}): RunningProcess {
  return runNode(WORKER_MAIN, { ...stack.env, LOG_LEVEL: 'log', ...env }, args);
}

const stateOf = (lineage: EventLineage, handler: string) => lineage.jobs.find((job) => job.handler === handler)?.state;

describe('a worker started with --queues consumes only those queues', () => {
  let stack: TestStack;
  let worker: RunningProcess | null = null;
  before(async () => {
    await resetWithCatalogue();
    // The API loads every handler module and routes to every queue; no in-process worker.
    stack = await TestStack.start({ worker: false });
  });
  after(async () => {
    if (worker && worker.child.exitCode === null) {
      worker.child.kill('SIGTERM');
      await worker.exited;
    }
    await stack.close();
  });

  it('runs payment jobs while inventory jobs of the same events stay waiting, and answers its health probes', { timeout: 120_000 }, async () => {
    const metricsPort = await freePort();
    worker = startWorker(stack, ['--queues', 'payment'], { WORKER_ID: 'payment-only', METRICS_PORT: String(metricsPort) });
    const started = worker;
    await waitFor('the payment worker to be ready', () => /worker payment-only ready/.test(started.output()) || (started.child.exitCode !== null ? Promise.reject(new Error(started.output())) : false), {
      timeoutMs: 60_000,
    });
    assert.match(started.output(), /running payment×20 \(WORKER_QUEUES\)/);

    const accepted: AcceptedEvent[] = [];
    for (let i = 0; i < 5; i++) {
      const answer = await stack.post<AcceptedEvent>('/v1/events', orderPlacedEvent(anOrder()));
      assert.equal(answer.status, 202, answer.text);
      assert.deepEqual(answer.body.jobs.map((job) => job.queue).sort(), ['inventory', 'payment'], 'the API still routes to both queues');
      accepted.push(answer.body);
    }

    const lineages = await waitFor(
      'every payment job completed',
      async () => {
        const all = await Promise.all(accepted.map(async (event) => (await stack.get<EventLineage>(`/v1/events/${event.eventId}`)).body));
        return all.every((lineage) => stateOf(lineage, 'payment.charge') === 'completed') && all;
      },
      { timeoutMs: 60_000, intervalMs: 200 },
    );
    // Published with the payment jobs and never taken: nobody consumes their queue.
    for (const lineage of lineages) assert.equal(stateOf(lineage, 'inventory.reserve'), 'waiting', JSON.stringify(lineage.jobs));
    // At least: a schedule declared in code may add its own inventory job.
    assert.ok((await stack.queue('inventory').getWaitingCount()) >= accepted.length);
    assert.equal((await stack.queue('inventory').getWorkers()).length, 0, 'no worker on the inventory queue');
    // BullMQ names a worker's connections <prefix>:<queue>:w:<worker name>.
    const paymentWorkers = (await stack.queue('payment').getWorkers()).map((client) => String(client.rawname));
    assert.ok(paymentWorkers.length > 0 && paymentWorkers.every((name) => name.endsWith(':w:payment-only')), paymentWorkers.join(', '));

    // The worker's probes, as the Kubernetes manifests and the image's HEALTHCHECK use them.
    const live = await fetch(`http://127.0.0.1:${metricsPort}/health/live`);
    assert.equal(live.status, 200);
    const ready = await fetch(`http://127.0.0.1:${metricsPort}/health/ready`);
    assert.equal(ready.status, 200);
    assert.deepEqual(await ready.json(), { ready: true, checks: { redis: 'up', postgres: 'up', workers: 'up' }, workers: [{ queue: 'payment', state: 'running' }] });

    // A worker for the rest drains what was left waiting.
    const rest = startWorker(stack, ['--queues=inventory,orders'], { WORKER_ID: 'the-rest', METRICS_PORT: '0' });
    try {
      await waitFor(
        'the inventory jobs completed by the second worker',
        async () => {
          const all = await Promise.all(accepted.map(async (event) => (await stack.get<EventLineage>(`/v1/events/${event.eventId}`)).body));
          return all.every((lineage) => stateOf(lineage, 'inventory.reserve') === 'completed');
        },
        { timeoutMs: 60_000, intervalMs: 200 },
      );
    } finally {
      rest.child.kill('SIGTERM');
      await rest.exited;
    }
  });

  it('refuses to start with a queue no handler uses, naming it and the known queues', { timeout: 60_000 }, async () => {
    const refused = startWorker(stack, ['--queues', 'payment,paymnet'], { WORKER_ID: 'typo', METRICS_PORT: '0' });
    const { code } = await refused.exited;
    assert.equal(code, 1, refused.output());
    const line = refused.output().split('\n').find((text) => text.includes('WORKER_QUEUES')) ?? '';
    assert.match(line, /"paymnet"/);
    const known = line.split('Known queues: ')[1]?.split(', ') ?? [];
    for (const queue of ['email', 'inventory', 'orders', 'payment']) assert.ok(known.includes(queue), `${queue} listed in: ${line}`);
    assert.doesNotMatch(refused.output(), /^\s+at /m, 'a message, not a stack trace');
  });
});
