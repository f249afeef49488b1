import { createClient, type JobRef, type Problem, type SentBatch, SwitchyardError } from '@switchyard/client';
import type { BatchResult, EventLineage, JobRef as ApiJobRef, Problem as ApiProblem } from '@switchyard/core/contracts';
import { anOrder } from '@switchyard/example-shop';
import { queryRows, testDatabaseUrl, waitFor } from '@switchyard/testing';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import type { testEvents } from './fixtures/test-handlers.js';
import { resetWithCatalogue } from './support/database.js';
import { createApiKey, TestStack } from './support/stack.js';

const db = testDatabaseUrl();
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

describe('@switchyard/client against the API and a worker', () => {
  let stack: TestStack;
  before(async () => {
    await resetWithCatalogue(db);
    stack = await TestStack.start();
  });
  after(() => stack.close());

  const clientOf = (options: { format?: 'json' | 'cloudevents'; url?: string } = {}) =>
    createClient<typeof testEvents>({ url: options.url ?? stack.url(''), apiKey: stack.token, source: 'urn:shop:checkout', format: options.format });

  async function completed(eventId: string): Promise<EventLineage> {
    return waitFor(`jobs of ${eventId} completed`, async () => {
      const { body } = await stack.get<EventLineage>(`/v1/events/${eventId}`);
      return body.jobs.length > 0 && body.jobs.every((job) => job.state === 'completed') && body;
    });
  }

  async function rowsOf(sourceId: string): Promise<Array<{ id: string; format: string; jobs: number }>> {
    return queryRows(db, 'SELECT e.id, e.format, (SELECT count(*)::int FROM switchyard.jobs j WHERE j.event_id = e.id) AS jobs FROM switchyard.events e WHERE e.source_event_id = $1', [sourceId]);
  }

  it('sends an event under a fresh key, and the worker runs its jobs', async () => {
    const order = anOrder();
    const sent = await clientOf().send('order.placed', order, { subject: `orders/${order.orderId}` });
    assert.equal(sent.replayed, false);
    assert.deepEqual(sent.jobs.map((job) => job.handler).sort(), ['inventory.reserve', 'payment.charge']);
    const lineage = await completed(sent.eventId);
    assert.equal(lineage.source, 'urn:shop:checkout');
    assert.equal(lineage.subject, `orders/${order.orderId}`);
    assert.match(lineage.sourceId ?? '', UUID, 'the generated Idempotency-Key is the sourceId');
    assert.deepEqual(lineage.data, order);
  });

  it('sends a batch, each event answered on its own', async () => {
    const [one, two] = [anOrder(), anOrder()];
    const result = await clientOf().sendBatch([
      { type: 'order.placed', data: one, priority: 5 },
      { type: 'order.placed', data: two, id: `batch-${two.orderId}` },
      { type: 'order.placed', data: { ...anOrder(), items: [] } },
    ]);
    assert.deepEqual([result.accepted, result.replayed, result.rejected], [2, 0, 1]);
    const [first, second, third] = result.items;
    assert.ok(first.outcome === 'accepted' && second.outcome === 'accepted' && third.outcome === 'rejected');
    assert.equal(third.problem.type, 'urn:switchyard:problem:invalid-event');
    assert.ok(third.problem.errors?.some((error) => error.path === 'data.items'));
    assert.ok((await completed(first.event.eventId)).jobs.every((job) => job.priority === 5));
    assert.equal((await completed(second.event.eventId)).sourceId, `batch-${two.orderId}`);
  });

  it('sends CloudEvents in structured mode, single and batch, deduplicated by (source, id)', async () => {
    const client = clientOf({ format: 'cloudevents' });
    const sent = await client.send('order.placed', anOrder(), { id: 'ce-client-1', correlationId: 'checkout-run-9' });
    const lineage = await completed(sent.eventId);
    assert.equal(lineage.sourceId, 'ce-client-1');
    assert.equal(lineage.correlationId, 'checkout-run-9');
    assert.deepEqual(await rowsOf('ce-client-1'), [{ id: sent.eventId, format: 'cloudevents', jobs: 2 }]);

    const batch = await client.sendBatch([
      { type: 'order.placed', data: anOrder(), id: 'ce-client-2' },
      { type: 'test.ordered', data: { label: 'ce' } },
    ]);
    assert.deepEqual([batch.accepted, batch.rejected], [2, 0]);
    assert.equal((await rowsOf('ce-client-2'))[0].format, 'cloudevents');
    const again = await client.send('order.placed', lineage.data as ReturnType<typeof anOrder>, { idempotencyKey: 'ce-client-1', time: lineage.time ?? undefined, correlationId: 'checkout-run-9' });
    assert.equal(again.replayed, true, 'the same (source, id) and event is a replay');
    assert.equal(again.eventId, sent.eventId);
  });

  it('replays a repeated key, and throws the 422 when the key comes back with another event', async () => {
    const client = clientOf();
    const order = anOrder();
    const first = await client.send('order.placed', order, { idempotencyKey: 'client-replay-1' });
    const second = await client.send('order.placed', order, { idempotencyKey: 'client-replay-1' });
    assert.deepEqual(second, { ...first, replayed: true });
    const reused = await client.send('order.placed', anOrder(), { idempotencyKey: 'client-replay-1' }).catch((error: unknown) => error);
    assert.ok(reused instanceof SwitchyardError);
    assert.equal(reused.status, 422);
    assert.equal(reused.type, 'urn:switchyard:problem:idempotency-key-reused');
    assert.equal(reused.problem.eventId, first.eventId);
    assert.equal(reused.attempts, 1);
    assert.deepEqual(await rowsOf('client-replay-1'), [{ id: first.eventId, format: 'json', jobs: 2 }]);
  });

  it('stores an event once when its first answer is lost and the client retries', async () => {
    const proxy = await LosingProxy.start(stack.url(''));
    try {
      const client = clientOf({ url: proxy.url });
      const sent = await client.send('order.placed', anOrder(), { idempotencyKey: 'client-lost-1' });
      assert.equal(proxy.dropped, 1);
      assert.equal(sent.replayed, true, 'the retry was answered with the stored event');
      assert.deepEqual(await rowsOf('client-lost-1'), [{ id: sent.eventId, format: 'json', jobs: 2 }]);

      const batch = await client.sendBatch([{ type: 'test.ordered', data: { label: 'lost-a' } }, { type: 'test.ordered', data: { label: 'lost-b' } }]);
      assert.equal(proxy.dropped, 2);
      assert.deepEqual([batch.accepted, batch.replayed], [0, 2], 'every event of the retried batch was a replay');
    } finally {
      await proxy.close();
    }
  });

  it('waits out the rate limit (429, Retry-After) and stores every event once', async () => {
    const token = await createApiKey('client-rate-limited', ['events:write'], 2);
    const statuses: number[] = [];
    const client = createClient<typeof testEvents>({
      url: stack.url(''),
      apiKey: token,
      fetch: async (url, init) => {
        const response = await fetch(url, init);
        statuses.push(response.status);
        return response;
      },
    });
    const labels = ['r1', 'r2', 'r3', 'r4', 'r5'];
    const sent = await Promise.all(labels.map((label) => client.send('test.ordered', { label })));
    assert.ok(statuses.includes(429), `rate limited at least once: ${statuses.join(', ')}`);
    assert.equal(new Set(sent.map((event) => event.eventId)).size, labels.length);
    const [{ n }] = await queryRows<{ n: number }>(db, "SELECT count(*)::int AS n FROM switchyard.events WHERE type = 'test.ordered' AND data->>'label' = ANY($1)", [labels]);
    assert.equal(n, labels.length);
  });

  it('throws the API’s problem for data the catalog would not type, and for unknown types', async () => {
    const invalid = await clientOf()
      .send('order.placed', { ...anOrder(), currency: 'euro' })
      .catch((error: unknown) => error);
    assert.ok(invalid instanceof SwitchyardError);
    assert.equal(invalid.status, 400);
    assert.deepEqual(invalid.errors.map((error) => error.path), ['data.currency']);

    const untyped = createClient({ url: stack.url(''), apiKey: stack.token });
    const unknown = await untyped.send('order.misplaced', {}).catch((error: unknown) => error);
    assert.ok(unknown instanceof SwitchyardError);
    assert.equal(unknown.status, 422);
    assert.ok(unknown.problem.knownTypes?.includes('order.placed'));
  });

  it('is typed by the catalog (checked by npm run typecheck)', () => {
    const compileOnly = async () => {
      const client = clientOf();
      // @ts-expect-error not a type of the catalog
      await client.send('order.misplaced', anOrder());
      // @ts-expect-error order.placed data without its items
      await client.send('order.placed', { orderId: 'o', customer: { id: 'c', email: 'a@example.com' }, currency: 'EUR', payment: { method: 'card', token: 't' } });
      // @ts-expect-error test.ordered data of the wrong shape
      await client.sendBatch([{ type: 'test.ordered', data: { label: 1 } }]);
      // The client's copies of the API's shapes stay assignable both ways.
      const problems: [Problem, ApiProblem] = [{} as ApiProblem, {} as Problem];
      const jobs: [JobRef, ApiJobRef] = [{} as ApiJobRef, {} as JobRef];
      const counts: Omit<SentBatch, 'items'> = {} as Omit<BatchResult, 'items'>;
      return [problems, jobs, counts];
    };
    assert.equal(typeof compileOnly, 'function');
  });
});

/**
 * A proxy in front of the API that loses the answer to every other request:
 * it forwards the request, lets the API store the event, then drops the
 * connection before answering — what a producer sees when the network fails
 * at the worst moment.
 */
class LosingProxy {
  dropped = 0;
  private count = 0;

  private constructor(private readonly server: Server) {}

  static async start(target: string): Promise<LosingProxy> {
    const server = createServer();
    const proxy = new LosingProxy(server);
    server.on('request', (request, response) => {
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', async () => {
        const headers = Object.fromEntries(Object.entries(request.headers).filter(([name]) => !['host', 'connection', 'content-length'].includes(name))) as Record<string, string>;
        const answer = await fetch(`${target}${request.url}`, { method: request.method, headers, body: Buffer.concat(chunks) });
        const text = await answer.text();
        if (proxy.count++ % 2 === 0) {
          proxy.dropped++;
          request.socket.destroy();
          return;
        }
        response.writeHead(answer.status, Object.fromEntries(answer.headers)).end(text);
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return proxy;
  }

  get url(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  close(): Promise<void> {
    this.server.closeAllConnections();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}
