import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DEFAULT_RETRY, parseRetryAfter, retryDelay, retryPolicy, sleep } from './retry.js';

describe('Retry-After', () => {
  const now = Date.parse('2026-12-09T10:00:00Z');

  it('reads delay-seconds', () => {
    assert.equal(parseRetryAfter('5', now), 5_000);
    assert.equal(parseRetryAfter(' 0 ', now), 0);
  });

  it('reads an HTTP date as the time left until it, and 0 once it has passed', () => {
    assert.equal(parseRetryAfter('Wed, 09 Dec 2026 10:00:07 GMT', now), 7_000);
    assert.equal(parseRetryAfter('Wed, 09 Dec 2026 09:59:00 GMT', now), 0);
  });

  it('ignores what is neither, so the client falls back to its backoff', () => {
    for (const value of [undefined, null, '', '1.5', '-3', 'soon', '2026-12-09']) assert.equal(parseRetryAfter(value, now), undefined, String(value));
  });
});

describe('backoff', () => {
  const policy = { retries: 5, baseDelayMs: 100, maxDelayMs: 1_000 };

  it('doubles at each retry, between half and all of the step, capped', () => {
    const bounds = [1, 2, 3, 4, 5].map((retry) => [retryDelay(policy, retry, undefined, () => 0), retryDelay(policy, retry, undefined, () => 1)]);
    assert.deepEqual(bounds, [
      [50, 100],
      [100, 200],
      [200, 400],
      [400, 800],
      [500, 1_000],
    ]);
  });

  it('never retries sooner than Retry-After says, and spreads retries a little past it', () => {
    assert.equal(retryDelay(policy, 1, 800, () => 0), 800);
    assert.equal(retryDelay(policy, 1, 800, () => 1), 825, 'a quarter of the backoff step at most');
    assert.equal(retryDelay(policy, 5, 200, () => 1), 1_000, 'the backoff, when it is the longer');
    assert.equal(retryDelay(policy, 1, 0, () => 0), 50);
  });

  it('gives up when told to wait longer than maxDelayMs', () => {
    assert.equal(retryDelay(policy, 1, 1_001), undefined);
    assert.equal(retryDelay(policy, 1, 1_000, () => 1), 1_000, 'the wait itself stays within maxDelayMs');
  });
});

describe('the retry policy', () => {
  it('takes a number of retries, or the whole policy', () => {
    assert.deepEqual(retryPolicy(undefined), DEFAULT_RETRY);
    assert.deepEqual(retryPolicy(0), { ...DEFAULT_RETRY, retries: 0 });
    assert.deepEqual(retryPolicy({ baseDelayMs: 10 }), { ...DEFAULT_RETRY, baseDelayMs: 10 });
  });

  it('refuses what cannot be a policy, naming the field', () => {
    assert.throws(() => retryPolicy(-1), /retries must be a number of at least 0, got -1/);
    assert.throws(() => retryPolicy(1.5), /retries must be a whole number/);
    assert.throws(() => retryPolicy({ maxDelayMs: Number.NaN }), /maxDelayMs must be a number/);
  });
});

describe('sleep', () => {
  it('ends at once with the reason when its signal aborts', async () => {
    const controller = new AbortController();
    const started = Date.now();
    const waiting = sleep(10_000, controller.signal);
    controller.abort(new Error('stop'));
    await assert.rejects(waiting, /stop/);
    assert.ok(Date.now() - started < 1_000);
  });
});
