import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { createClient } from './client.js';
import { accepted, ApiDouble, problem } from './testing/api-double.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
const doubles: ApiDouble[] = [];
after(() => Promise.all(doubles.map((double) => double.close())));

async function api(...script: Parameters<typeof ApiDouble.start>[0]): Promise<ApiDouble> {
  const double = await ApiDouble.start(script);
  doubles.push(double);
  return double;
}

describe('the client, sending plain JSON', () => {
  it('posts the event with a generated Idempotency-Key and the API key', async () => {
    const double = await api(accepted('user.created'));
    const client = createClient({ url: double.url, apiKey: 'sy_test_token', source: 'urn:app:signup' });
    const sent = await client.send('user.created', { userId: 'u-1' }, { subject: 'users/1', priority: 3, delay: 500, time: new Date('2026-12-09T10:00:00Z') });
    assert.deepEqual(sent, { eventId: '01900000-0000-7000-8000-000000000001', type: 'user.created', jobs: [{ id: '01900000-0000-7000-8000-000000000001.h', queue: 'q', handler: 'h' }], replayed: false });
    const [request] = double.requests;
    assert.equal(request.path, '/v1/events');
    assert.equal(request.headers['content-type'], 'application/json');
    assert.equal(request.headers.authorization, 'Bearer sy_test_token');
    assert.match(String(request.headers['idempotency-key']), UUID);
    assert.deepEqual(JSON.parse(request.body), {
      type: 'user.created',
      data: { userId: 'u-1' },
      source: 'urn:app:signup',
      subject: 'users/1',
      time: '2026-12-09T10:00:00.000Z',
      priority: 3,
      delay: 500,
    });
  });

  it('uses a new key per call, the caller’s key when given, and none when an id deduplicates', async () => {
    const double = await api(accepted('t'));
    const client = createClient({ url: double.url });
    await client.send('t', 1);
    await client.send('t', 1);
    await client.send('t', 1, { idempotencyKey: 'signup-7f3a' });
    await client.send('t', 1, { id: 'order-1001' });
    const keys = double.requests.map((request) => request.headers['idempotency-key']);
    assert.notEqual(keys[0], keys[1]);
    assert.equal(keys[2], 'signup-7f3a');
    assert.equal(keys[3], undefined, 'the API deduplicates (source, id)');
    assert.equal((double.bodies()[3] as { id: string }).id, 'order-1001');
  });

  it('reads a replay from the answer', async () => {
    const double = await api({ status: 200, headers: { 'idempotent-replayed': 'true' }, body: { eventId: 'e-1', type: 't', jobs: [], duplicate: true } });
    assert.equal((await createClient({ url: double.url }).send('t', {})).replayed, true);
  });

  it('keeps a path prefix of the URL', async () => {
    const double = await api(accepted('t'));
    await createClient({ url: `${double.url}/switchyard` }).send('t', {});
    assert.equal(double.requests[0].path, '/switchyard/v1/events');
  });

  it('sends a batch with a key in each event, never in a header', async () => {
    const double = await api({
      status: 207,
      body: {
        accepted: 1,
        replayed: 0,
        rejected: 1,
        items: [
          { index: 0, status: 202, outcome: 'accepted', event: { eventId: 'e-1', type: 'a', jobs: [], duplicate: false } },
          { index: 1, status: 422, outcome: 'rejected', problem: { type: 'urn:switchyard:problem:unknown-event-type', title: 'Unknown event type', status: 422 } },
        ],
      },
    });
    const result = await createClient({ url: double.url }).sendBatch([
      { type: 'a', data: 1 },
      { type: 'b', data: 2, idempotencyKey: 'b-1', priority: 2 },
    ]);
    const [request] = double.requests;
    assert.equal(request.path, '/v1/events/batch');
    assert.equal(request.headers['idempotency-key'], undefined);
    const [first, second] = double.bodies()[0] as Array<Record<string, unknown>>;
    assert.match(String(first.idempotencyKey), UUID);
    assert.deepEqual(second, { type: 'b', data: 2, priority: 2, idempotencyKey: 'b-1' });
    assert.deepEqual(result.items[0], { index: 0, outcome: 'accepted', status: 202, event: { eventId: 'e-1', type: 'a', jobs: [], replayed: false } });
    assert.equal(result.items[1].outcome === 'rejected' && result.items[1].problem.type, 'urn:switchyard:problem:unknown-event-type');
  });
});

describe('the client, sending CloudEvents', () => {
  it('sends structured mode with the key as the id, the client’s source and the time', async () => {
    const double = await api(accepted('user.created'));
    const client = createClient({ url: double.url, format: 'cloudevents', source: 'urn:app:signup' });
    const before = Date.now();
    await client.send('user.created', { userId: 'u-1' }, { subject: 'users/1', delay: 50, correlationId: 'c-1' });
    const [request] = double.requests;
    assert.equal(request.headers['content-type'], 'application/cloudevents+json');
    assert.equal(request.headers['idempotency-key'], undefined, '(source, id) deduplicates');
    const event = JSON.parse(request.body) as Record<string, unknown>;
    assert.match(String(event.id), UUID);
    assert.ok(Date.parse(String(event.time)) >= before - 1);
    assert.deepEqual({ ...event, id: '', time: '' }, {
      specversion: '1.0',
      id: '',
      source: 'urn:app:signup',
      type: 'user.created',
      datacontenttype: 'application/json',
      subject: 'users/1',
      time: '',
      data: { userId: 'u-1' },
      delay: 50,
      correlationid: 'c-1',
    });
  });

  it('takes the caller’s key or id as the CloudEvent id, and refuses two different ones', async () => {
    const double = await api(accepted('t'));
    const client = createClient({ url: double.url, format: 'cloudevents' });
    await client.send('t', {}, { idempotencyKey: 'k-1' });
    await client.send('t', {}, { id: 'id-1' });
    assert.deepEqual(double.bodies().map((body) => [(body as { id: string }).id, (body as { source: string }).source]), [
      ['k-1', 'urn:switchyard:rest'],
      ['id-1', 'urn:switchyard:rest'],
    ]);
    await assert.rejects(client.send('t', {}, { id: 'a', idempotencyKey: 'b' }), /A CloudEvent's id is its idempotency key/);
  });

  it('sends a batch as application/cloudevents-batch+json', async () => {
    const double = await api({ status: 207, body: { accepted: 1, replayed: 0, rejected: 0, items: [{ index: 0, status: 202, outcome: 'accepted', event: { eventId: 'e', type: 't', jobs: [], duplicate: false } }] } });
    await createClient({ url: double.url, format: 'cloudevents', source: 'urn:x' }).sendBatch([{ type: 't', data: 1 }]);
    assert.equal(double.requests[0].headers['content-type'], 'application/cloudevents-batch+json');
    const [event] = double.bodies()[0] as Array<Record<string, unknown>>;
    assert.equal(event.specversion, '1.0');
    assert.equal(event.source, 'urn:x');
  });
});

describe('the client’s options', () => {
  it('refuses bad options with what to change', () => {
    assert.throws(() => createClient({ url: '/switchyard' }), /absolute URL/);
    assert.throws(() => createClient({ url: 'ftp://example.com' }), /http or https/);
    assert.throws(() => createClient({ url: 'http://x', apiKey: 'Bearer abc' }), /apiKey must be the token/);
    assert.throws(() => createClient({ url: 'http://x', timeoutMs: 0 }), /timeoutMs must be more than 0/);
    assert.throws(() => createClient({ url: 'http://x', format: 'xml' as 'json' }), /format must be/);
  });

  it('refuses a key that cannot travel in a header before sending anything', async () => {
    const double = await api(problem(500));
    await assert.rejects(createClient({ url: double.url }).send('t', {}, { idempotencyKey: 'clé' }), /must be visible ASCII/);
    await assert.rejects(createClient({ url: double.url }).send('t', {}, { idempotencyKey: 'x'.repeat(256) }), /1 to 255 characters/);
    assert.equal(double.requests.length, 0);
  });
});
