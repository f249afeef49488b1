import type { AcceptedEvent, DeadLetterDetail, DeadLetterPage, DeadLetterStats, EventPage, Problem, SchedulePage, ScheduleSummary } from '@switchyard/core/contracts';
import { SEED_STOCK } from '@switchyard/example-shop';
import { freePort, get, type HttpAnswer, post, prepareTestDatabase, queryRows, resetDatabase, runNode, type RunningProcess, StreamingReplica, waitFor, waitForOutput } from '@switchyard/testing';
import { anOrder, orderPlacedEvent } from '@switchyard/example-shop';
import assert from 'node:assert/strict';
import { createServer, type Socket } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { createApiKey, testEnv } from './support/stack.js';

/**
 * The API and a worker on a throwaway primary, with DATABASE_READ_URL on a
 * hot standby streaming from it: the console's reads must come from the
 * standby (they see what it has replayed, not what the primary has), writes
 * from the primary, and a lost standby must cost only those reads, as 503s.
 */
describe('console reads from a streaming read replica (DATABASE_READ_URL)', () => {
  let cluster: StreamingReplica;
  let primary = '';
  const processes: RunningProcess[] = [];
  let api = '';
  let token = '';
  const auth = () => ({ authorization: `Bearer ${token}` });
  const read = <T>(path: string) => get<T>(`${api}${path}`, auth());
  const write = <T>(path: string, body: unknown) => post<T>(`${api}${path}`, body, { ...auth(), 'X-Actor': 'alice' });
  /** A dead-lettered payment, committed on the primary; returns its event and dead letter ids. */
  const deadPayment = async (): Promise<{ eventId: string; deadLetterId: string }> => {
    const accepted = await write<AcceptedEvent>('/v1/events', orderPlacedEvent(anOrder({ token: 'tok_declined' })));
    assert.equal(accepted.status, 202, accepted.text);
    const [row] = await waitFor('the payment dead-lettered on the primary', () =>
      queryRows<{ id: string }>(primary, "SELECT id::text FROM switchyard.dead_letters WHERE event_id = $1 AND handler = 'payment.charge'", [accepted.body.eventId]).then((rows) => rows.length > 0 && rows),
    { timeoutMs: 20_000 });
    return { eventId: accepted.body.eventId, deadLetterId: row.id };
  };

  before(async () => {
    cluster = await StreamingReplica.start(['switchyard']);
    primary = cluster.primaryUrl('switchyard');
    await prepareTestDatabase(primary);
    await resetDatabase(primary, { 'shop.stock_items': SEED_STOCK });
    token = await createApiKey('replica-admin', ['admin'], null, primary);
    await cluster.waitForReplay();
    const env = testEnv({ DATABASE_URL: primary, DATABASE_READ_URL: cluster.replicaUrl('switchyard'), LOG_LEVEL: 'log' });
    const port = await freePort();
    const apiProcess = runNode('examples/shop/dist/main/api.main.js', { ...env, PORT: String(port) });
    processes.push(apiProcess);
    await waitForOutput(apiProcess, /Switchyard API listening/, 'the API listening');
    api = `http://127.0.0.1:${port}`;
    const worker = runNode('examples/shop/dist/main/worker.main.js', { ...env, WORKER_ID: 'replica-worker' });
    processes.push(worker);
    await waitForOutput(worker, /Switchyard worker .* ready/, 'the worker ready');
  });

  after(async () => {
    for (const proc of processes) {
      proc.child.kill('SIGTERM');
      await proc.exited;
    }
    await cluster?.dispose();
  });

  it('answers event, dead-letter and schedule reads from the replica: while its replay is paused they show the past', async () => {
    await cluster.waitForReplay();
    const before = (await read<DeadLetterStats>('/v1/dead-letters/stats')).body;
    await cluster.pauseReplay();
    // Writes go to the primary: ingest, the worker's dead letter, a new schedule all commit there.
    const { eventId, deadLetterId } = await deadPayment();
    const schedule = await write<ScheduleSummary>('/v1/schedules', { name: 'replica-check', type: 'inventory.restock-check', data: { threshold: 3 }, cron: '0 * * * *' });
    assert.equal(schedule.status, 201, schedule.text);

    assert.equal((await read(`/v1/events/${eventId}`)).status, 404, 'the event is not on the replica yet');
    assert.equal((await read(`/v1/events/${eventId}/tree`)).status, 404);
    assert.ok(!(await read<EventPage>('/v1/events?type=order.placed')).body.items.some((event) => event.eventId === eventId));
    assert.equal((await read(`/v1/dead-letters/${deadLetterId}`)).status, 404);
    assert.ok(!(await read<DeadLetterPage>('/v1/dead-letters')).body.items.some((item) => item.id === deadLetterId));
    assert.deepEqual((await read<DeadLetterStats>('/v1/dead-letters/stats')).body, before);
    assert.equal((await read('/v1/schedules/replica-check')).status, 404);
    assert.ok(!(await read<SchedulePage>('/v1/schedules')).body.items.some((item) => item.name === 'replica-check'));
    // And the API holds connections to the replica itself.
    const sessions = await cluster.replica.query<{ n: number }>('postgres', "SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = 'switchyard' AND backend_type = 'client backend'");
    assert.ok(sessions[0].n > 0, 'API sessions on the replica');

    await cluster.resumeReplay();
    await cluster.waitForReplay();
    assert.equal((await read(`/v1/events/${eventId}`)).status, 200);
    assert.equal((await read(`/v1/events/${eventId}/tree`)).status, 200);
    assert.ok((await read<EventPage>('/v1/events?type=order.placed')).body.items.some((event) => event.eventId === eventId));
    assert.equal((await read<DeadLetterDetail>(`/v1/dead-letters/${deadLetterId}`)).body.status, 'open');
    assert.equal((await read<DeadLetterStats>('/v1/dead-letters/stats')).body.open, before.open + 1);
    assert.equal((await read<ScheduleSummary>('/v1/schedules/replica-check')).body.name, 'replica-check');
  });

  it('answers reads 503 with Retry-After while the replica is down, keeps writes working, and recovers when it is back', async () => {
    const { eventId, deadLetterId } = await deadPayment();
    await cluster.waitForReplay();
    await cluster.stopReplica();
    try {
      const paths = ['/v1/events', `/v1/events/${eventId}`, `/v1/events/${eventId}/tree`, '/v1/dead-letters', `/v1/dead-letters/${deadLetterId}`, '/v1/dead-letters/stats', '/v1/dead-letters/groups', '/v1/schedules', '/v1/schedules/replica-check'];
      for (const path of paths) {
        const answer: HttpAnswer<Problem> = await read<Problem>(path);
        assert.equal(answer.status, 503, `${path}: ${answer.text}`);
        assert.equal(answer.headers.get('retry-after'), '5', path);
        assert.match(answer.headers.get('content-type') ?? '', /^application\/problem\+json/, path);
        assert.equal(answer.body.status, 503);
      }
      // Writes and the pipeline only need the primary: ingest, handlers, a retry, readiness.
      const order = anOrder();
      assert.equal((await write('/v1/events', orderPlacedEvent(order))).status, 202);
      await waitFor('the order confirmed and emailed', () =>
        queryRows(primary, "SELECT 1 FROM shop.emails WHERE order_id = $1 AND template = 'order-confirmation'", [order.orderId]).then((rows) => rows.length === 1),
      { timeoutMs: 30_000 });
      assert.equal((await write(`/v1/dead-letters/${deadLetterId}/retry`, '')).status, 202);
      assert.equal((await get(`${api}/health/ready`)).status, 200, 'readiness does not hang on the replica');
    } finally {
      await cluster.startReplica();
    }
    await waitFor('reads answered again', async () => (await read('/v1/events')).status === 200, { timeoutMs: 15_000 });
    await cluster.waitForReplay();
    for (const path of ['/v1/dead-letters', `/v1/dead-letters/${deadLetterId}`, '/v1/schedules']) assert.equal((await read(path)).status, 200, path);
    assert.equal((await read<DeadLetterDetail>(`/v1/dead-letters/${deadLetterId}`)).body.redrives, 1, 'the retry written while the replica was down reached it');
  });

  it('boots with a replica cut off by the network, warning with its URL; reads answer 503 within seconds, ingest 202', async () => {
    // A listener that takes connections and never answers: what a partitioned replica looks like, unlike a refused port.
    const held: Socket[] = [];
    const silent = createServer((socket) => held.push(socket));
    const silentPort = await freePort();
    await new Promise<void>((resolve) => silent.listen(silentPort, '127.0.0.1', resolve));
    try {
      const cutOff = `postgresql://postgres@127.0.0.1:${silentPort}/switchyard`;
      const port = await freePort();
      const lonely = runNode('examples/shop/dist/main/api.main.js', testEnv({ DATABASE_URL: primary, DATABASE_READ_URL: cutOff, PORT: String(port), LOG_LEVEL: 'log' }));
      processes.push(lonely);
      await waitForOutput(lonely, /Switchyard API listening/, 'the API listening');
      assert.match(lonely.output(), new RegExp(`Cannot reach the read replica at ${cutOff.replace(/[.]/g, '\\.')}.*starting anyway`));
      const started = Date.now();
      const answer = await get<Problem>(`http://127.0.0.1:${port}/v1/dead-letters`, auth());
      assert.equal(answer.status, 503, answer.text);
      assert.equal(answer.headers.get('retry-after'), '5');
      assert.ok(Date.now() - started < 10_000, `answered after ${Date.now() - started} ms`);
      assert.equal((await post(`http://127.0.0.1:${port}/v1/events`, orderPlacedEvent(anOrder()), auth())).status, 202);
    } finally {
      for (const socket of held) socket.destroy();
      silent.close();
    }
  });
});
