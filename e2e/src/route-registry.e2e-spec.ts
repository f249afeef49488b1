import type { RouteInfo } from '@switchyard/core/contracts';
import { queryRows, runNode, testDatabaseUrl, waitFor } from '@switchyard/testing';
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { resetWithCatalogue } from './support/database.js';
import { TestStack } from './support/stack.js';

const db = testDatabaseUrl();
const HEARTBEAT_MS = 1_000;

/**
 * The route registry (issue 17): each worker writes the handlers it runs to
 * Postgres at start and refreshes them on a heartbeat; GET /v1/routes shows,
 * per handler, which worker version defined it and which workers run it.
 */
describe('the route registry', () => {
  let stack: TestStack;
  const routes = async () => {
    const answer = await stack.get<RouteInfo[]>('/v1/routes');
    assert.equal(answer.status, 200, answer.text);
    return new Map(answer.body.map((route) => [route.handler, route]));
  };
  const registrationOf = async (handler: string) => (await routes()).get(handler)?.registration ?? null;

  before(async () => {
    await resetWithCatalogue(db);
    stack = await TestStack.start({ worker: false, env: { ROUTE_HEARTBEAT_MS: String(HEARTBEAT_MS) } });
  });
  after(() => stack.close());

  it('holds no registration before a worker has run a handler', async () => {
    assert.equal(await registrationOf('payment.charge'), null);
  });

  it('records each handler a worker runs, with its version, and shows the worker online', async () => {
    await stack.startWorker({ WORKER_ID: 'registry-w1', WORKER_VERSION: 'v1' });
    const all = await routes();
    for (const [handler, route] of all) {
      assert.ok(route.registration, `${handler} is registered`);
      assert.equal(route.registration.version, 'v1');
      assert.deepEqual(
        route.registration.workers.map(({ workerId, version, online, sameOptions }) => ({ workerId, version, online, sameOptions })),
        [{ workerId: 'registry-w1', version: 'v1', online: true, sameOptions: true }],
      );
      assert.equal(route.registration.workersOnline, 1);
    }
    const metrics = (await stack.get<string>('/metrics')).text;
    assert.match(metrics, /^switchyard_route_workers_online\{handler="payment\.charge"\} 1$/m);
    // With its handlers, the worker declares its catalog's event types and their data's JSON Schema.
    const [row] = await queryRows<{ json_schema: { type: string; properties: Record<string, unknown> } }>(
      db,
      "SELECT json_schema FROM switchyard.event_type_schemas WHERE type = 'order.placed' AND worker_id = 'registry-w1'",
    );
    assert.equal(row.json_schema.type, 'object');
    assert.ok('orderId' in row.json_schema.properties, JSON.stringify(row.json_schema));
  });

  it('keeps the worker and its heartbeat fresh while it runs', async () => {
    const seen = async () => new Date((await registrationOf('payment.charge'))!.workers[0].lastSeenAt).getTime();
    const first = await seen();
    await waitFor('a heartbeat', async () => (await seen()) > first, { timeoutMs: 5 * HEARTBEAT_MS });
  });

  it('keeps the route of a worker that stopped, showing it offline after three missed heartbeats', async () => {
    await stack.stopWorker();
    await waitFor('the worker offline', async () => (await registrationOf('payment.charge'))?.workersOnline === 0, { timeoutMs: 6 * HEARTBEAT_MS });
    const registration = await registrationOf('payment.charge');
    assert.equal(registration?.version, 'v1', 'the route stays');
    assert.deepEqual(registration?.workers.map((worker) => [worker.workerId, worker.online]), [['registry-w1', false]]);
    const metrics = (await stack.get<string>('/metrics')).text;
    assert.match(metrics, /^switchyard_route_workers_online\{handler="payment\.charge"\} 0$/m);
  });

  it('a worker started later defines the route (its version), and one killed -9 keeps it', async () => {
    const doomed = runNode('examples/shop/dist/main/worker.main.js', { ...stack.env, WORKER_ID: 'registry-doomed', WORKER_VERSION: 'v2', METRICS_PORT: '0' });
    try {
      await waitFor('the second worker registered', async () => (await registrationOf('payment.charge'))?.version === 'v2', { timeoutMs: 20_000 });
      const registration = (await registrationOf('payment.charge'))!;
      assert.deepEqual(registration.workers.map((worker) => [worker.workerId, worker.version, worker.online]), [['registry-doomed', 'v2', true], ['registry-w1', 'v1', false]]);
      assert.ok(registration.workers.every((worker) => worker.sameOptions), 'the same handler code: the same options');
      assert.ok(new Date(registration.registeredAt) < new Date(registration.updatedAt), 'first registered by v1, redefined by v2');
    } finally {
      doomed.child.kill('SIGKILL');
      await doomed.exited;
    }
    await waitFor('the killed worker offline', async () => (await registrationOf('payment.charge'))?.workersOnline === 0, { timeoutMs: 6 * HEARTBEAT_MS });
    assert.equal((await registrationOf('payment.charge'))?.version, 'v2', 'its route stays, as it defined it');
  });

  it('refuses a worker that declares an event type with another schema than a worker online, and takes it once that one has stopped', async () => {
    const startOther = () =>
      runNode('e2e/dist/fixtures/other-schema.worker.js', { ...stack.env, WORKER_ID: 'registry-other', WORKER_VERSION: 'v9', METRICS_PORT: '0' });
    await stack.startWorker({ WORKER_ID: 'registry-w1', WORKER_VERSION: 'v1' });
    try {
      const refused = startOther();
      const { code } = await refused.exited;
      assert.equal(code, 1, refused.output());
      assert.match(refused.output(), /Worker registry-other \(version v9\) declares the data schema of "order\.placed" differently from workers online: "order\.placed" \(worker registry-w1, version v1\)/);
      assert.match(refused.output(), /new event type/);
    } finally {
      await stack.stopWorker();
    }
    // A worker that stops withdraws its event types: the other schema may come in at once.
    const other = startOther();
    try {
      await waitFor('the other worker ready', () => other.output().includes('worker ready') || other.child.exitCode !== null, { timeoutMs: 20_000 });
      assert.ok(other.output().includes('worker ready'), other.output());
    } finally {
      other.child.kill('SIGTERM'); // a graceful stop withdraws its event types for the next test
      await other.exited;
    }
  });

  it('registers only the handlers of the queues a worker consumes', async () => {
    await queryRows(db, 'DELETE FROM switchyard.routes');
    await stack.startWorker({ WORKER_ID: 'registry-payments', WORKER_VERSION: 'v3', WORKER_QUEUES: 'payment' });
    try {
      const registered = [...(await routes()).values()].filter((route) => route.registration).map((route) => route.queue);
      assert.ok(registered.length > 0);
      assert.deepEqual([...new Set(registered)], ['payment']);
    } finally {
      await stack.stopWorker();
    }
  });
});
