import type { AcceptedEvent, RouteInfo } from '@switchyard/core/contracts';
import { anOrder, orderPlacedEvent } from '@switchyard/example-shop';
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
    stack = await TestStack.start({ worker: false, registerApp: false, env: { ROUTE_HEARTBEAT_MS: String(HEARTBEAT_MS) } });
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

/**
 * The API holds no app code: it routes, validates and computes ordering keys
 * from what workers registered, and picks up a new worker version's handlers
 * and types without a restart (ROUTES_REFRESH_MS: 100 ms in tests).
 */
describe('an API with no app code', () => {
  let stack: TestStack;
  const shopWorker = () => runNode('examples/shop/dist/main/worker.main.js', { ...stack.env, WORKER_ID: 'shop-v1', WORKER_VERSION: 'v1', METRICS_PORT: '0' });
  const nextVersion = () => runNode('e2e/dist/fixtures/next-version.worker.js', { ...stack.env, WORKER_ID: 'ledger-v2', WORKER_VERSION: 'v2', METRICS_PORT: '0' });
  const routed = async (handler: string) => (await stack.get<RouteInfo[]>('/v1/routes')).body.some((route) => route.handler === handler);
  const ready = async (worker: ReturnType<typeof runNode>) => {
    await waitFor('the worker ready', () => /\bready\b/.test(worker.output()) || worker.child.exitCode !== null, { timeoutMs: 30_000 });
    assert.match(worker.output(), /\bready\b/);
  };
  const stop = async (worker: ReturnType<typeof runNode>) => {
    if (worker.child.exitCode === null) worker.child.kill('SIGTERM');
    await worker.exited;
  };
  let shop: ReturnType<typeof runNode>;
  /** The handlers the shop's worker fans order.placed out to. */
  let shopHandlers: string[] = [];

  before(async () => {
    await resetWithCatalogue(db);
    stack = await TestStack.start({ worker: false, registerApp: false, env: { ROUTE_HEARTBEAT_MS: String(HEARTBEAT_MS) } });
  });
  after(async () => {
    if (shop) await stop(shop);
    await stack.close();
  });

  it("answers 422 before any worker registered, then routes, validates and keys the shop's events once one has", async () => {
    const early = await stack.post<{ detail: string }>('/v1/events', orderPlacedEvent(anOrder()));
    assert.equal(early.status, 422, early.text);
    assert.match(early.body.detail, /No schema is registered for event type "order\.placed": no worker has declared it/);

    shop = shopWorker();
    await ready(shop);
    await waitFor('the shop routes in the API', () => routed('payment.charge'), { timeoutMs: 5_000 });
    const order = anOrder();
    const accepted = await stack.post<AcceptedEvent>('/v1/events', orderPlacedEvent(order));
    assert.equal(accepted.status, 202, accepted.text);
    shopHandlers = accepted.body.jobs.map((job) => job.handler).sort();
    assert.ok(['inventory.reserve', 'payment.charge'].every((handler) => shopHandlers.includes(handler)), accepted.text);
    await waitFor('every job of the order run by the worker', async () => {
      const rows = await queryRows<{ outcome: string | null }>(db, 'SELECT outcome FROM switchyard.jobs WHERE event_id = $1', [accepted.body.eventId]);
      return rows.length === shopHandlers.length && rows.every((row) => row.outcome === 'completed');
    }, { timeoutMs: 20_000 });

    // Validated with the JSON Schema the worker registered: each field named, nothing stored.
    const invalid = await stack.post<{ errors: Array<{ path: string; message: string }> }>('/v1/events', orderPlacedEvent({ ...anOrder(), currency: 'eur', items: [] }));
    assert.equal(invalid.status, 400, invalid.text);
    assert.deepEqual(invalid.body.errors.map((error) => error.path).sort(), ['data.currency', 'data.items']);
    assert.match(invalid.text, /must match pattern/);
    const missing = await stack.post<{ errors: Array<{ path: string; message: string }> }>('/v1/events', { type: 'store-credit.granted', data: {} });
    assert.equal(missing.status, 400, missing.text);
    assert.ok(missing.body.errors.some((error) => error.path === 'data.customerId' && error.message === 'is required'), missing.text);

    // The ordering key from the path the worker registered (store-credit: 'data.customerId').
    const granted = await stack.post<AcceptedEvent>('/v1/events', { type: 'store-credit.granted', data: { customerId: 'cus_registry', amount: 500, reference: 'welcome' } });
    assert.equal(granted.status, 202, granted.text);
    const keys = await queryRows<{ handler: string; ordering_key: string | null }>(db, 'SELECT handler, ordering_key FROM switchyard.jobs WHERE event_id = $1', [granted.body.eventId]);
    assert.deepEqual(keys.map((row) => row.ordering_key), keys.map(() => 'cus_registry'), JSON.stringify(keys));
  });

  it('routes to a handler and accepts a type a new worker version brings, with no API restart', async () => {
    const ledger = nextVersion();
    try {
      await ready(ledger);
      await waitFor('ledger.record in the API', () => routed('ledger.record'), { timeoutMs: 5_000 });
      const order = anOrder();
      const accepted = await stack.post<AcceptedEvent>('/v1/events', orderPlacedEvent(order));
      assert.equal(accepted.status, 202, accepted.text);
      assert.ok(accepted.body.jobs.some((job) => job.handler === 'ledger.record' && job.queue === 'ledger'), accepted.text);
      await waitFor('the new handler to run', () => ledger.output().includes(`ledger.record ran for order.placed ${order.orderId}`), { timeoutMs: 20_000 });
      const closed = await stack.post<AcceptedEvent>('/v1/events', { type: 'ledger.closed', data: { orderId: order.orderId, closedBy: 'ops' } });
      assert.equal(closed.status, 202, closed.text);
      await waitFor('the new type handled', () => ledger.output().includes(`ledger.record ran for ledger.closed ${order.orderId}`), { timeoutMs: 20_000 });
      const [keyed] = await queryRows<{ ordering_key: string }>(db, "SELECT ordering_key FROM switchyard.jobs WHERE event_id = $1 AND handler = 'ledger.record'", [accepted.body.eventId]);
      assert.equal(keyed.ordering_key, order.orderId);
    } finally {
      await stop(ledger);
    }
  });

  it('stops fanning out to a retired route (audited), which heartbeats do not bring back and a worker starting with it does', async () => {
    const ledger = nextVersion();
    try {
      await ready(ledger);
      await waitFor('ledger.record in the API', () => routed('ledger.record'), { timeoutMs: 5_000 });
      const retired = await stack.request('DELETE', '/v1/routes/ledger.record', undefined, { 'x-actor': 'ops@example.com' });
      assert.equal(retired.status, 200, retired.text);
      assert.deepEqual(retired.body, { handler: 'ledger.record', queue: 'ledger', version: 'v2', retiredBy: 'ops@example.com' });
      const [audit] = await queryRows<{ actor: string; detail: unknown }>(db, "SELECT actor, detail FROM switchyard.audit_log WHERE action = 'route.retire' AND target = 'route:ledger.record'");
      assert.deepEqual(audit, { actor: 'ops@example.com', detail: { queue: 'ledger', version: 'v2' } });

      const after = await stack.post<AcceptedEvent>('/v1/events', orderPlacedEvent(anOrder()));
      assert.equal(after.status, 202, after.text);
      assert.deepEqual(after.body.jobs.map((job) => job.handler).sort(), shopHandlers);
      // Its worker keeps running and beating: the route stays retired.
      await new Promise((resolve) => setTimeout(resolve, 2.5 * HEARTBEAT_MS));
      assert.equal(await routed('ledger.record'), false);
      assert.equal((await stack.request('DELETE', '/v1/routes/ledger.record')).status, 404);
    } finally {
      await stop(ledger);
    }
    // Starting a worker with the handler deploys it again.
    const again = nextVersion();
    try {
      await ready(again);
      await waitFor('ledger.record back in the API', () => routed('ledger.record'), { timeoutMs: 5_000 });
    } finally {
      await stop(again);
    }
  });

  it('refuses to retire without ops:write, and names an unknown handler', async () => {
    const unknown = await stack.request<{ detail: string }>('DELETE', '/v1/routes/no.such-handler');
    assert.equal(unknown.status, 404, unknown.text);
    assert.match(unknown.body.detail, /No route of handler "no\.such-handler" is in service/);
  });
});
