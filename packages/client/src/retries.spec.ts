import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { createClient } from './client.js';
import { SwitchyardError, SwitchyardNetworkError } from './errors.js';
import { accepted, ApiDouble, problem, type Scripted } from './testing/api-double.js';

const doubles: ApiDouble[] = [];
after(() => Promise.all(doubles.map((double) => double.close())));

async function api(...script: Scripted[]): Promise<ApiDouble> {
  const double = await ApiDouble.start(script);
  doubles.push(double);
  return double;
}

/** Fast backoff, so that only Retry-After takes real time. */
const quick = { retries: 3, baseDelayMs: 5, maxDelayMs: 5_000 };

async function rejection<E>(work: Promise<unknown>, type: new (...args: never[]) => E): Promise<E> {
  try {
    await work;
  } catch (error) {
    assert.ok(error instanceof type, `expected a ${type.name}, got ${String(error)}`);
    return error;
  }
  assert.fail('expected a rejection');
}

describe('the client’s retries', () => {
  it('retries a 429 no sooner than Retry-After, with the same key and the same bytes', async () => {
    const double = await api(problem(429, {}, { 'retry-after': '1' }), accepted('t'));
    const sent = await createClient({ url: double.url, retries: quick }).send('t', { n: 1 });
    assert.equal(sent.eventId, '01900000-0000-7000-8000-000000000001');
    const [first, second] = double.requests;
    assert.ok(second.at - first.at >= 1_000, `waited ${second.at - first.at} ms`);
    assert.equal(second.headers['idempotency-key'], first.headers['idempotency-key']);
    assert.equal(second.body, first.body);
  });

  it('honours a Retry-After given as an HTTP date on a 503', async () => {
    const at = new Date(Math.ceil(Date.now() / 1000) * 1000 + 2_000);
    const double = await api(problem(503, {}, { 'retry-after': at.toUTCString() }), accepted('t'));
    await createClient({ url: double.url, retries: quick }).send('t', {});
    assert.ok(double.requests[1].at >= at.getTime() - 5, `retried ${at.getTime() - double.requests[1].at} ms early`);
  });

  it('retries an answer lost with its connection, under the same key', async () => {
    const double = await api('hang-up', 'hang-up', accepted('t'));
    await createClient({ url: double.url, retries: quick }).send('t', {});
    const keys = new Set(double.requests.map((request) => request.headers['idempotency-key']));
    assert.equal(double.requests.length, 3);
    assert.equal(keys.size, 1);
  });

  it('retries a batch whose answer was lost with the same body, so each event keeps its key', async () => {
    const double = await api('hang-up', { status: 207, body: { accepted: 0, replayed: 1, rejected: 0, items: [{ index: 0, status: 200, outcome: 'replayed', event: { eventId: 'e', type: 't', jobs: [], duplicate: true } }] } });
    const result = await createClient({ url: double.url, retries: quick }).sendBatch([{ type: 't', data: {} }]);
    assert.equal(result.items[0].outcome, 'replayed');
    assert.equal(double.requests[1].body, double.requests[0].body);
  });

  it('counts an attempt without an answer in timeoutMs as lost', async () => {
    const double = await api('no-answer');
    const error = await rejection(createClient({ url: double.url, retries: { ...quick, retries: 1 }, timeoutMs: 200 }).send('t', {}), SwitchyardNetworkError);
    assert.equal(error.timedOut, true);
    assert.equal(error.attempts, 2);
    assert.equal(double.requests.length, 2);
    assert.match(error.message, /no answer within 200 ms \(gave up after 2 attempts\)/);
    assert.equal(error.idempotencyKey, double.requests[0].headers['idempotency-key']);
  });

  it('says why it could not connect', async () => {
    const double = await api(accepted('t'));
    const url = double.url;
    await double.close();
    const error = await rejection(createClient({ url, retries: 0 }).send('t', {}), SwitchyardNetworkError);
    assert.equal(error.timedOut, false);
    assert.match(error.message, /ECONNREFUSED/);
  });

  it('gives up after the retries with the last problem', async () => {
    const double = await api(problem(503, { detail: 'Postgres is unavailable' }));
    const error = await rejection(createClient({ url: double.url, retries: quick }).send('t', {}), SwitchyardError);
    assert.equal(double.requests.length, 4);
    assert.equal(error.status, 503);
    assert.equal(error.attempts, 4);
    assert.equal(error.detail, 'Postgres is unavailable');
  });

  it('does not retry a problem of the request itself, and hands over its field errors', async () => {
    const errors = [{ path: 'data.items.0.quantity', message: 'Too small: expected number to be >=1' }];
    const double = await api(problem(400, { type: 'urn:switchyard:problem:invalid-event', title: 'Invalid event', detail: 'The data is invalid', errors }));
    const error = await rejection(createClient({ url: double.url, retries: quick }).send('t', {}), SwitchyardError);
    assert.equal(double.requests.length, 1);
    assert.equal(error.type, 'urn:switchyard:problem:invalid-event');
    assert.deepEqual(error.errors, errors);
    assert.equal(error.message, 'Invalid event (400): The data is invalid');
  });

  it('does not retry a 422 or a 500', async () => {
    for (const status of [422, 500]) {
      const double = await api(problem(status, { eventId: 'e-1' }));
      const error = await rejection(createClient({ url: double.url, retries: quick }).send('t', {}), SwitchyardError);
      assert.equal(double.requests.length, 1);
      assert.equal(error.problem.eventId, 'e-1', 'extensions stay on the problem');
    }
  });

  it('stops at once when Retry-After is longer than maxDelayMs, and says how long', async () => {
    const double = await api(problem(429, {}, { 'retry-after': '120' }));
    const error = await rejection(createClient({ url: double.url, retries: quick }).send('t', {}), SwitchyardError);
    assert.equal(double.requests.length, 1);
    assert.equal(error.retryAfterMs, 120_000);
  });

  it('turns a proxy’s HTML error page into a problem, and retries a 502', async () => {
    const page: Scripted = { status: 502, headers: { 'content-type': 'text/html' }, body: '<html><body><h1>502 Bad Gateway</h1></body></html>' };
    const double = await api(page);
    const error = await rejection(createClient({ url: double.url, retries: { ...quick, retries: 1 } }).send('t', {}), SwitchyardError);
    assert.equal(double.requests.length, 2);
    assert.equal(error.type, 'about:blank');
    assert.equal(error.title, 'Bad Gateway');
    assert.match(error.detail ?? '', /502 Bad Gateway/);
  });

  it('refuses a 2xx that is not the ingest API’s, without retrying', async () => {
    const double = await api({ status: 200, body: { ok: true } }, { status: 200, headers: { 'content-type': 'text/html' }, body: '<html>welcome</html>' });
    const client = createClient({ url: double.url, retries: quick });
    const shape = await rejection(client.send('t', {}), SwitchyardError);
    assert.match(shape.message, /Unexpected answer \(200\): .*is the url right\?.*no eventId/);
    const html = await rejection(client.sendBatch([{ type: 't', data: {} }]), SwitchyardError);
    assert.match(html.detail ?? '', /not JSON: <html>welcome<\/html>/);
    assert.equal(double.requests.length, 2);
  });

  it('stops waiting when the caller aborts', async () => {
    const double = await api(problem(503, {}, { 'retry-after': '30' }));
    const controller = new AbortController();
    const started = Date.now();
    const sending = createClient({ url: double.url, retries: { retries: 1, maxDelayMs: 60_000 } }).send('t', {}, { signal: controller.signal });
    setTimeout(() => controller.abort(), 100);
    await assert.rejects(sending, { name: 'AbortError' });
    assert.ok(Date.now() - started < 5_000);
  });
});
