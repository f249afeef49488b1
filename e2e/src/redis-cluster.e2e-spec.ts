import type { AcceptedEvent, EventLineage, QueueSummary } from '@switchyard/core/contracts';
import { assertServicesReachable, createRedisClient, queueKeyPrefix, SignInThrottle } from '@switchyard/server/internal';
import { queryRows, testDatabaseUrl, testRedisUrl, ThrowawayRedisCluster, uniqueQueuePrefix, waitFor } from '@switchyard/testing';
import { anOrder, orderPlacedEvent } from '@switchyard/example-shop';
import { Cluster, Redis } from 'ioredis';
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { resetWithCatalogue } from './support/database.js';
import { TestStack } from './support/stack.js';

const db = testDatabaseUrl();

describe('on a Redis Cluster (3 masters, each with a replica)', () => {
  let cluster: ThrowawayRedisCluster;
  let stack: TestStack;
  let prefix: string;
  /** The master each queue's keys live on. */
  const masterOf = (queue: string) => cluster.masterOf(queueKeyPrefix(prefix, queue, true));

  before(async () => {
    await resetWithCatalogue(db);
    cluster = await ThrowawayRedisCluster.start();
    // A prefix whose inventory and payment tags hash to different masters, so
    // the layout test cannot pass by luck of the draw.
    for (;;) {
      prefix = uniqueQueuePrefix();
      if ((await masterOf('inventory')) !== (await masterOf('payment'))) break;
    }
    stack = await TestStack.start({ env: { REDIS_CLUSTER_NODES: cluster.nodesEnv, QUEUE_PREFIX: prefix, PUBLISH_TIMEOUT_MS: '500' } });
  });
  after(async () => {
    await stack?.close();
    await cluster?.dispose();
  });

  const lineage = async (eventId: string) => (await stack.get<EventLineage>(`/v1/events/${eventId}`)).body;
  const completed = (eventId: string) =>
    waitFor(`jobs of ${eventId} completed`, async () => (await lineage(eventId)).jobs.every((job) => job.state === 'completed'), { timeoutMs: 20_000 });

  it("puts each queue's keys under its own hash tag, so an event's jobs land on different masters, and a replica holds them", async () => {
    const answer = await stack.post<AcceptedEvent>('/v1/events', orderPlacedEvent(anOrder()));
    assert.equal(answer.status, 202, answer.text);
    await completed(answer.body.eventId);
    const shared = new Redis(testRedisUrl(), { lazyConnect: true, maxRetriesPerRequest: 1 });
    try {
      for (const queue of ['inventory', 'payment']) {
        const job = answer.body.jobs.find((candidate) => candidate.queue === queue)!;
        const key = `${queueKeyPrefix(prefix, queue, true)}:${queue}:${job.id}`;
        const master = await masterOf(queue);
        // Asked directly, not through a Cluster client that would follow MOVED.
        assert.equal(await cluster.command(master, 'EXISTS', key), 1, `${key} on master ${master}`);
        assert.equal(await cluster.readReplica(await cluster.replicaOf(master), 'EXISTS', key), 1, `${key} on the replica of ${master}`);
        for (const other of (await cluster.masterPorts()).filter((port) => port !== master)) {
          assert.equal(await cluster.command(other, 'CLUSTER', 'COUNTKEYSINSLOT', Number(await cluster.command(other, 'CLUSTER', 'KEYSLOT', key))), 0);
        }
        assert.equal(await shared.exists(key), 0, 'nothing goes to REDIS_URL on a cluster');
      }
    } finally {
      shared.disconnect();
    }
    assert.notEqual(await masterOf('inventory'), await masterOf('payment'));
  });

  it('runs the whole pipeline: both handlers, then the confirmation email of the follow-up event', async () => {
    const order = anOrder();
    const answer = await stack.post<AcceptedEvent>('/v1/events', orderPlacedEvent(order));
    assert.equal(answer.status, 202, answer.text);
    await completed(answer.body.eventId);
    assert.deepEqual(await queryRows(db, 'SELECT kind, amount FROM shop.payments WHERE order_id = $1', [order.orderId]), [{ kind: 'captured', amount: 4500 }]);
    await waitFor('the confirmation email', async () => (await queryRows(db, 'SELECT 1 FROM shop.emails WHERE order_id = $1', [order.orderId])).length === 1);
    const summaries = (await stack.get<QueueSummary[]>('/v1/queues')).body;
    assert.ok(summaries.find((queue) => queue.name === 'payment')!.counts.completed >= 2, 'queue pages read the per-queue keys');
    // The throughput series: MULTI and pipelines over {prefix}-tagged keys, one slot on a cluster.
    await waitFor('payment throughput recorded', async () => {
      const payment = (await stack.get<QueueSummary>('/v1/queues/payment')).body;
      return payment.throughput.completedPerSec > 0;
    });
  });

  it('checks at boot that every master answers and never evicts, naming the one that would', async () => {
    const target = { redisUrl: testRedisUrl(), redisClusterNodes: cluster.nodes, databaseUrl: db };
    await assertServicesReachable(target);
    const [evicting] = await cluster.masterPorts();
    await cluster.command(evicting, 'CONFIG', 'SET', 'maxmemory-policy', 'allkeys-lru');
    try {
      await assert.rejects(assertServicesReachable(target), new RegExp(`Redis master 127\\.0\\.0\\.1:${evicting} has maxmemory-policy allkeys-lru`));
    } finally {
      await cluster.command(evicting, 'CONFIG', 'SET', 'maxmemory-policy', 'noeviction');
    }
    await assert.rejects(
      assertServicesReachable({ ...target, redisClusterNodes: [{ host: '127.0.0.1', port: 1 }] }),
      /Cannot reach Redis Cluster 127\.0\.0\.1:1 .*REDIS_CLUSTER_NODES/,
    );
  });

  it('keeps the console sign-in throttle on the cluster: its script runs there, and ten failures lock an account', async () => {
    const failed = await stack.post('/v1/console/sessions', { username: 'nobody', password: 'a-long-enough-passphrase', clientIp: '192.0.2.1' });
    assert.equal(failed.status, 422, failed.text);
    const throttle = stack.api.get(SignInThrottle);
    for (let n = 2; n <= 10; n++) assert.equal(await throttle.admit({ username: 'nobody', address: `192.0.2.${n}` }), 0);
    const refused = await stack.post('/v1/console/sessions', { username: 'nobody', password: 'a-long-enough-passphrase', clientIp: '192.0.2.11' });
    assert.equal(refused.status, 429, refused.text);
    assert.ok(Number(refused.headers.get('retry-after')) > 0);
  });

  it('leaves jobs no replica acknowledged unpublished in the outbox, and the relay publishes them once the replica is back', async () => {
    await stack.stopWorker(); // outcomes would mark rows published too; this is about the publisher's own mark
    const paymentMaster = await masterOf('payment');
    const replica = await cluster.replicaOf(paymentMaster);
    await cluster.kill(replica);
    const answer = await stack.post<AcceptedEvent>('/v1/events', orderPlacedEvent(anOrder()));
    assert.equal(answer.status, 202, answer.text);
    const unpublished = async () =>
      (await queryRows<{ queue: string }>(db, 'SELECT queue FROM switchyard.jobs WHERE event_id = $1 AND published_at IS NULL ORDER BY queue', [answer.body.eventId])).map((row) => row.queue);
    // inventory's master still has its replica: marked; payment's has none: left to the relay, however often it tries.
    await waitFor('inventory marked published', async () => !(await unpublished()).includes('inventory'), { timeoutMs: 5_000 });
    // A fixed wait on purpose: what is asserted is that nothing happens, over
    // several relay sweeps (every 500 ms here).
    await new Promise((resolve) => setTimeout(resolve, 2_000));
    assert.deepEqual(await unpublished(), ['payment']);
    await cluster.restart(replica);
    await waitFor('payment published once its replica is back', async () => (await unpublished()).length === 0, { timeoutMs: 20_000 });
    await stack.startWorker();
    await completed(answer.body.eventId);
  });

  it('a client closed while its periodic slot refresh is in flight refreshes no more, so its process can exit', async () => {
    // ioredis 6.0 rescheduled the periodic refresh (slotsRefreshInterval, 5 s)
    // from the refresh's own callback, even once quit() had run: that timer
    // kept a closed process alive for ever. 6.1 stops it.
    const client = createRedisClient({ redisUrl: testRedisUrl(), redisClusterNodes: cluster.nodes });
    assert.ok(client instanceof Cluster);
    await client.ping();
    const refresh = client.refreshSlotsCache.bind(client);
    let refreshes = 0;
    let closing: Promise<unknown> | undefined;
    client.refreshSlotsCache = (callback) => {
      refreshes++;
      refresh(callback);
      closing ??= client.quit(); // while the CLUSTER SLOTS of this refresh is in flight
    };
    await waitFor('the periodic slot refresh', () => closing !== undefined, { timeoutMs: 10_000 });
    await closing;
    // A fixed wait on purpose: what is asserted is that nothing happens for
    // longer than a refresh interval plus its timeout (5 s + 2 s).
    await new Promise((resolve) => setTimeout(resolve, 8_000));
    assert.equal(refreshes, 1, 'no refresh after quit()');
  });
});
