import type { BatchResult, Problem } from '@switchyard/core/contracts';
import { queryRows, testDatabaseUrl } from '@switchyard/testing';
import { orderPlacedEvent } from '@switchyard/example-shop';
import assert from 'node:assert/strict';
import { request as httpRequest } from 'node:http';
import { after, before, describe, it } from 'node:test';
import { resetWithCatalogue } from './support/database.js';
import { TestStack } from './support/stack.js';

const db = testDatabaseUrl();

/** Starts a batch upload and sends all but its last byte: the API has admitted it and waits for the rest. */
function halfSentBatch(url: string, body: string, auth: Record<string, string>) {
  const bytes = Buffer.from(body);
  let held: () => void = () => undefined;
  let abort: () => void = () => undefined;
  const answer = new Promise<{ status: number; text: string }>((resolve, reject) => {
    const req = httpRequest(url, { method: 'POST', headers: { ...auth, 'content-type': 'application/json', 'content-length': bytes.length } }, (res) => {
      let text = '';
      res.on('data', (chunk) => (text += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, text }));
    });
    req.on('error', reject);
    req.write(bytes.subarray(0, bytes.length - 1));
    held = () => req.end(bytes.subarray(bytes.length - 1));
    abort = () => req.destroy();
  });
  answer.catch(() => undefined); // an aborted upload rejects; the test looks at the server side
  return { answer, finish: () => held(), abort: () => abort() };
}

describe('ingest admission: a heap budget for request bodies', () => {
  let stack: TestStack;
  before(async () => {
    await resetWithCatalogue(db);
    // Room for one 10-event batch (~3.5 KB) at a time.
    stack = await TestStack.start({ worker: false, env: { INGEST_BYTES_IN_FLIGHT: '5000' } });
  });
  after(async () => stack.close());

  const batchOf = (n: number) => JSON.stringify(Array.from({ length: n }, () => orderPlacedEvent()));
  const storedEvents = async () => (await queryRows<{ n: number }>(db, 'SELECT count(*)::int AS n FROM switchyard.events'))[0].n;

  it('refuses bodies beyond the budget with 503 and Retry-After, stores nothing of them, and admits again once bytes are released', async () => {
    const first = halfSentBatch(stack.url('/v1/events/batch'), batchOf(10), stack.auth);
    await new Promise((resolve) => setTimeout(resolve, 200));

    const refused = await stack.post<Problem>('/v1/events/batch', JSON.parse(batchOf(10)));
    assert.equal(refused.status, 503, refused.text);
    assert.equal(refused.headers.get('retry-after'), '1');
    assert.match(refused.headers.get('content-type') ?? '', /application\/problem\+json/);
    assert.match(refused.body.detail ?? '', /INGEST_BYTES_IN_FLIGHT/);
    assert.equal(await storedEvents(), 0, 'the refused batch left nothing behind');

    first.finish();
    const admitted = await first.answer;
    assert.equal(admitted.status, 207, admitted.text);
    assert.equal((JSON.parse(admitted.text) as BatchResult).accepted, 10);

    const again = await stack.post<BatchResult>('/v1/events/batch', JSON.parse(batchOf(10)));
    assert.equal(again.status, 207, again.text);
    assert.equal(await storedEvents(), 20);
  });

  it('gives the bytes of an upload the client abandoned back to the budget', async () => {
    const abandoned = halfSentBatch(stack.url('/v1/events/batch'), batchOf(10), stack.auth);
    await new Promise((resolve) => setTimeout(resolve, 200));
    assert.equal((await stack.post('/v1/events/batch', JSON.parse(batchOf(10)))).status, 503);
    abandoned.abort();
    await new Promise((resolve) => setTimeout(resolve, 200));
    assert.equal((await stack.post('/v1/events/batch', JSON.parse(batchOf(10)))).status, 207);
  });

  it('always admits one request when nothing else is in flight, even one larger than the budget', async () => {
    const large = await stack.post<BatchResult>('/v1/events/batch', JSON.parse(batchOf(30)));
    assert.equal(large.status, 207, large.text);
    assert.equal(large.body.accepted, 30);
  });
});
