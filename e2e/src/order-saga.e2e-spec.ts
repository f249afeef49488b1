import type { AcceptedEvent, EventTree, EventTreeNode, Problem } from '@switchyard/core/contracts';
import { SEED_STOCK } from '@switchyard/example-shop';
import { queryRows, runNode, testDatabaseUrl, waitFor } from '@switchyard/testing';
import { anOrder, orderPlacedEvent } from '@switchyard/example-shop';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, afterEach, before, describe, it } from 'node:test';
import { resetWithCatalogue } from './support/database.js';
import { TestStack } from './support/stack.js';

const db = testDatabaseUrl();

/** Every node of a tree, depth first. */
function nodesOf(roots: EventTreeNode[]): EventTreeNode[] {
  return roots.flatMap((node) => [node, ...nodesOf(node.children)]);
}

/** The tree as `type[handler:state,…]` lines, children indented, siblings sorted: easy to compare. */
function shape(nodes: EventTreeNode[], depth = 0): string[] {
  return [...nodes]
    .sort((a, b) => a.type.localeCompare(b.type))
    .flatMap((node) => [
      `${'  '.repeat(depth)}${node.type}[${node.jobs.map((job) => `${job.handler}:${job.state}`).join(',')}]`,
      ...shape(node.children, depth + 1),
    ]);
}

const emailsOf = (orderId: string) => queryRows<{ template: string }>(db, 'SELECT template FROM shop.emails WHERE order_id = $1', [orderId]);
const stockOf = () => queryRows(db, "SELECT sku, available, reserved FROM shop.stock_items WHERE sku IN ('SKU-RED-MUG', 'SKU-BLUE-TEE') ORDER BY sku");
/** Puts the catalogue back to its seeded levels (not resetWithCatalogue: that would drop the stack's API key). */
async function restock(): Promise<void> {
  for (const item of SEED_STOCK) await queryRows(db, 'UPDATE shop.stock_items SET available = $2, reserved = 0 WHERE sku = $1', [item.sku, item.available]);
}
const UNTOUCHED_STOCK = [
  { sku: 'SKU-BLUE-TEE', available: 1_000_000, reserved: 0 },
  { sku: 'SKU-RED-MUG', available: 1_000_000, reserved: 0 },
];

describe('the order saga: follow-up events from order.placed to order.confirmed, or to the stock released', () => {
  let stack: TestStack;
  before(async () => {
    await resetWithCatalogue(db);
    // Short locks: the crash test's orphaned job is recovered within seconds.
    stack = await TestStack.start({ worker: false, env: { WORKER_LOCK_DURATION_MS: '2000', WORKER_STALLED_INTERVAL_MS: '1000' } });
  });
  afterEach(async () => {
    await stack.queue('inventory').resume();
    await stack.queue('payment').resume();
  });
  after(() => stack.close());

  /** The tree once every job in it finished: emitted events commit before their emitter's job completes, so nothing is missing then. */
  const settledTree = (eventId: string, timeoutMs = 30_000) =>
    waitFor(
      `the tree of ${eventId} settled`,
      async () => {
        const { status, body } = await stack.get<EventTree>(`/v1/events/${eventId}/tree`);
        if (status !== 200) throw new Error(`GET tree: ${status} ${JSON.stringify(body)}`);
        const nodes = nodesOf(body.roots);
        return nodes.every((node) => node.jobs.every((job) => job.state === 'completed')) && body;
      },
      { timeoutMs },
    );

  it('confirms a paid and reserved order once, emails it once, and shows the whole tree from any of its events', async () => {
    if (!stack.worker) await stack.startWorker();
    const order = anOrder();
    const placed = await stack.post<AcceptedEvent>('/v1/events', orderPlacedEvent(order, { correlationId: `checkout-${order.orderId}` }));
    assert.equal(placed.status, 202);
    assert.deepEqual(placed.body.jobs.map((job) => job.handler), ['inventory.reserve', 'payment.charge'], 'the email waits for order.confirmed');
    await waitFor('the confirmation email', async () => (await emailsOf(order.orderId)).length === 1, { timeoutMs: 30_000 });
    const tree = await settledTree(placed.body.eventId);
    assert.equal(tree.correlationId, `checkout-${order.orderId}`, "the producer's correlation id");
    assert.equal(tree.roots.length, 1);
    assert.equal(tree.roots[0].eventId, placed.body.eventId);
    assert.equal(tree.roots[0].causationId, null);
    const nodes = nodesOf(tree.roots);
    const confirmed = nodes.find((node) => node.type === 'order.confirmed')!;
    // order.confirmed hangs under whichever success was handled second.
    const second = nodes.find((node) => node.eventId === confirmed.causationId)!;
    assert.ok(['payment.succeeded', 'inventory.reserved'].includes(second.type));
    const first = second.type === 'payment.succeeded' ? 'inventory.reserved' : 'payment.succeeded';
    const lines = shape(tree.roots);
    assert.deepEqual(lines.filter((line) => !line.includes('order.confirmed') && !line.includes('email')), [
      'order.placed[inventory.reserve:completed,payment.charge:completed]',
      '  inventory.reserved[order.confirm:completed]',
      '  payment.succeeded[order.confirm:completed]',
    ]);
    assert.ok(lines.includes('    order.confirmed[email.order-confirmation:completed]'), lines.join('\n'));
    assert.equal(nodes.filter((node) => node.type === 'order.confirmed').length, 1);
    assert.equal(nodes.find((node) => node.type === first)!.children.length, 0);

    // From the leaf, the same tree; each event names its correlation and cause.
    const fromLeaf = await stack.get<EventTree>(`/v1/events/${confirmed.eventId}/tree`);
    assert.deepEqual(shape(fromLeaf.body.roots), lines);
    assert.equal(fromLeaf.body.eventId, confirmed.eventId);
    const lineage = await stack.get<{ correlationId: string; causationId: string }>(`/v1/events/${confirmed.eventId}`);
    assert.equal(lineage.body.correlationId, `checkout-${order.orderId}`);
    assert.equal(lineage.body.causationId, second.eventId);

    assert.deepEqual(await emailsOf(order.orderId), [{ template: 'order-confirmation' }]);
    assert.deepEqual(await queryRows(db, 'SELECT kind, amount FROM shop.payments WHERE order_id = $1', [order.orderId]), [{ kind: 'captured', amount: 4500 }]);
    assert.deepEqual(await stockOf(), [
      { sku: 'SKU-BLUE-TEE', available: 999_999, reserved: 1 },
      { sku: 'SKU-RED-MUG', available: 999_998, reserved: 2 },
    ]);
  });

  it('answers a malformed id with 400 and an unknown one with 404', async () => {
    const malformed = await stack.get<Problem>('/v1/events/not-a-uuid/tree');
    assert.equal(malformed.status, 400);
    assert.match(malformed.body.detail ?? '', /UUID/);
    assert.equal((await stack.get<Problem>(`/v1/events/${randomUUID()}/tree`)).status, 404);
  });

  for (const first of ['payment.failed', 'inventory.reserved'] as const) {
    it(`releases the stock when the payment fails (${first} handled first): no confirmation, no email`, async () => {
      await restock();
      if (!stack.worker) await stack.startWorker();
      const order = anOrder({ token: 'tok_insufficient_funds' });
      if (first === 'payment.failed') {
        // inventory.release shares the inventory queue with inventory.reserve, so pausing
        // the queue cannot order them: the reserve job is taken out of Redis instead, and
        // handed back to the outbox relay (as a late delivery) once the release is done.
        await stack.queue('inventory').pause();
        const placed = await stack.post<AcceptedEvent>('/v1/events', orderPlacedEvent(order));
        const reserveJob = placed.body.jobs.find((job) => job.handler === 'inventory.reserve')!.id;
        await waitFor('payment.failed', async () => (await queryRows(db, "SELECT 1 FROM switchyard.events WHERE type = 'payment.failed' AND causation_id = $1", [placed.body.eventId])).length === 1, { timeoutMs: 30_000 });
        await waitFor('the reserve job in Redis', async () => (await stack.queue('inventory').remove(reserveJob)) === 1);
        await stack.queue('inventory').resume();
        await waitFor('the release after payment.failed', async () => (await queryRows(db, 'SELECT 1 FROM shop.order_progress WHERE order_id = $1 AND released_at IS NOT NULL', [order.orderId])).length === 1, { timeoutMs: 30_000 });
        await queryRows(db, 'UPDATE switchyard.jobs SET published_at = NULL WHERE id = $1', [reserveJob]);
        await waitFor('the late reserve job to run', async () => (await queryRows(db, "SELECT 1 FROM switchyard.jobs WHERE id = $1 AND outcome = 'completed'", [reserveJob])).length === 1, { timeoutMs: 30_000 });
        await checkReleased(placed.body.eventId, ['order.placed', 'payment.failed']);
      } else {
        await stack.queue('payment').pause();
        const placed = await stack.post<AcceptedEvent>('/v1/events', orderPlacedEvent(order));
        await waitFor('the reservation recorded', async () => (await queryRows(db, 'SELECT 1 FROM shop.order_progress WHERE order_id = $1 AND reserved_at IS NOT NULL', [order.orderId])).length === 1, { timeoutMs: 30_000 });
        assert.equal((await stockOf()).find((row) => row.sku === 'SKU-RED-MUG')?.reserved, 2, 'reserved before the payment fails');
        await stack.queue('payment').resume();
        await checkReleased(placed.body.eventId, ['inventory.reserved', 'order.placed', 'payment.failed']);
      }

      async function checkReleased(rootId: string, expectedTypes: string[]): Promise<void> {
        const tree = await settledTree(rootId);
        assert.deepEqual(nodesOf(tree.roots).map((node) => node.type).sort(), expectedTypes);
        assert.deepEqual(await stockOf(), UNTOUCHED_STOCK, 'nothing stays reserved');
        assert.deepEqual(await emailsOf(order.orderId), []);
        assert.deepEqual(await queryRows(db, 'SELECT * FROM shop.payments WHERE order_id = $1', [order.orderId]), []);
        assert.deepEqual(await queryRows(db, 'SELECT confirmed_at FROM shop.order_progress WHERE order_id = $1', [order.orderId]), [{ confirmed_at: null }]);
      }
    });
  }

  it('survives a worker killed between the two successes: the relay publishes what it emitted, and the order is confirmed once', async () => {
    await restock();
    await stack.stopWorker();
    // Only the payment runs in the crashing worker: it dies right after payment.succeeded is committed.
    await stack.queue('inventory').pause();
    const crashing = runNode('e2e/dist/fixtures/crash-after-emit.worker.js', stack.env);
    await waitFor('the crashing worker to start', () => crashing.output().includes('worker ready') || crashing.child.exitCode !== null);
    assert.equal(crashing.child.exitCode, null, crashing.output());
    const order = anOrder();
    const placed = await stack.post<AcceptedEvent>('/v1/events', orderPlacedEvent(order));
    assert.equal(placed.status, 202);
    try {
      await waitFor('the worker to die after the commit', () => crashing.child.signalCode !== null || crashing.child.exitCode !== null, { timeoutMs: 30_000 });
    } catch (error) {
      crashing.child.kill('SIGKILL');
      throw new Error(`${(error as Error).message}\n${crashing.output()}`);
    }
    assert.equal(crashing.child.signalCode, 'SIGKILL', crashing.output());

    const [succeeded] = await queryRows<{ id: string }>(db, "SELECT id::text AS id FROM switchyard.events WHERE type = 'payment.succeeded' AND causation_id = $1", [placed.body.eventId]);
    assert.ok(succeeded, 'payment.succeeded was committed with the payment');
    const confirmJob = `${succeeded.id}.order.confirm`;
    // No worker runs now: only the API's outbox relay can have put the job in Redis.
    await waitFor('the relay to publish the emitted job', async () => (await stack.queue('orders').getJob(confirmJob)) !== undefined, { timeoutMs: 20_000 });

    await stack.startWorker();
    await stack.queue('inventory').resume();
    await waitFor('the confirmation email', async () => (await emailsOf(order.orderId)).length === 1, { timeoutMs: 30_000 });
    const tree = await settledTree(placed.body.eventId);
    const types = nodesOf(tree.roots).map((node) => node.type).sort();
    assert.deepEqual(types, ['inventory.reserved', 'order.confirmed', 'order.placed', 'payment.succeeded'], 'each emitted once, the re-run payment.charge included');
    assert.deepEqual(await emailsOf(order.orderId), [{ template: 'order-confirmation' }]);
    assert.deepEqual(await queryRows(db, 'SELECT kind FROM shop.payments WHERE order_id = $1', [order.orderId]), [{ kind: 'captured' }]);
  });
});
