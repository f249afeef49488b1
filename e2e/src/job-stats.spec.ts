// The worker's job statistics against the real Redis: per-job tallies folded
// into the right 5-second and 1-minute buckets, and into Prometheus at scrape.
import { JobStatsRecorder, PrometheusMetrics, type SwitchyardConfig } from '@switchyard/server/internal';
import { testRedisUrl } from '@switchyard/testing';
import { Redis } from 'ioredis';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, describe, it, mock } from 'node:test';

describe('job statistics', () => {
  const redis = new Redis(testRedisUrl());
  const prefix = `{stats-${randomUUID().slice(0, 8)}}`;
  after(async () => {
    mock.timers.reset();
    const keys = await redis.keys(`${prefix}:*`);
    if (keys.length) await redis.del(...keys);
    await redis.quit();
  });

  it('counts each job in the buckets of its own time, across a bucket boundary and a flush', async () => {
    const metrics = new PrometheusMetrics();
    const recorder = new JobStatsRecorder({ client: redis } as never, metrics, { queuePrefix: prefix } as SwitchyardConfig);
    const minute = 1_800_000_000_000; // a whole minute: buckets of 5 s and 1 min start here
    mock.timers.enable({ apis: ['Date'], now: minute + 4_000 });
    recorder.completed('email', 'email.send', 3, 40); // wait bin 2 (≤ 5 ms), processing bin 5 (≤ 50 ms)
    recorder.completed('email', 'email.send', null, 40);
    recorder.failed('email', 'email.send', false, 3, 1);
    mock.timers.tick(2_000); // the next 5-second bucket, same minute
    recorder.completed('email', 'email.send', 700, 0.5);
    recorder.failed('email', 'email.audit', true, null, 1);
    await recorder.flush();
    mock.timers.tick(500);
    recorder.completed('email', 'email.send', null, 40); // after the flush: in the next one
    await recorder.flush();

    const first = await redis.hgetall(`${prefix}:stats:5s:${minute / 1000}`);
    assert.deepEqual(first, { 'email|c': '2', 'email|r': '1', 'email|w|2': '2', 'email|p|5': '2', 'email|p|0': '1' });
    const second = await redis.hgetall(`${prefix}:stats:5s:${minute / 1000 + 5}`);
    assert.deepEqual(second, { 'email|c': '2', 'email|f': '1', 'email|w|9': '1', 'email|p|0': '2', 'email|p|5': '1' });
    const wholeMinute = await redis.hgetall(`${prefix}:stats:1m:${minute / 1000}`);
    assert.deepEqual(wholeMinute, { 'email|c': '4', 'email|r': '1', 'email|f': '1', 'email|w|2': '2', 'email|w|9': '1', 'email|p|5': '3', 'email|p|0': '3' });
    assert.ok((await redis.ttl(`${prefix}:stats:5s:${minute / 1000}`)) > 3_000, 'fine buckets expire after two hours');
  });

  it('shows in Prometheus what was tallied since the last flush, at every scrape', async () => {
    const metrics = new PrometheusMetrics();
    const recorder = new JobStatsRecorder({ client: redis } as never, metrics, { queuePrefix: prefix } as SwitchyardConfig);
    recorder.completed('orders', 'order.confirm', 12, 30);
    recorder.completed('orders', 'order.confirm', null, 30);
    recorder.failed('orders', 'order.confirm', true, 2, 7);
    let { body } = await metrics.text();
    assert.match(body, /^switchyard_jobs_completed_total\{queue="orders",handler="order\.confirm"\} 2$/m);
    assert.match(body, /^switchyard_jobs_failed_total\{queue="orders",handler="order\.confirm"\} 1$/m);
    assert.match(body, /^switchyard_job_processing_seconds_bucket\{le="0\.01",queue="orders",handler="order\.confirm"\} 1$/m);
    assert.match(body, /^switchyard_job_processing_seconds_bucket\{le="0\.05",queue="orders",handler="order\.confirm"\} 3$/m);
    assert.match(body, /^switchyard_job_processing_seconds_sum\{queue="orders",handler="order\.confirm"\} 0\.067$/m);
    assert.match(body, /^switchyard_job_wait_seconds_bucket\{le="0\.002",queue="orders"\} 1$/m);
    assert.match(body, /^switchyard_job_wait_seconds_count\{queue="orders"\} 2$/m);

    recorder.completed('orders', 'order.confirm', null, 30);
    ({ body } = await metrics.text());
    assert.match(body, /^switchyard_jobs_completed_total\{queue="orders",handler="order\.confirm"\} 3$/m, 'counts add up across scrapes');
    assert.match(body, /^switchyard_job_processing_seconds_count\{queue="orders",handler="order\.confirm"\} 4$/m);
    await recorder.flush();
  });
});
