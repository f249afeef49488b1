import type { BatchResult, LagPoint, MetricSeries, Problem, QueueJob, QueueJobPage, QueuesSnapshot, QueueSummary, ThroughputPoint } from '@switchyard/core/contracts';
import { JobStatsRecorder, LagSampler } from '@switchyard/server/internal';
import { queryRows, testDatabaseUrl, waitFor } from '@switchyard/testing';
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { resetWithCatalogue } from './support/database.js';
import { TestStack } from './support/stack.js';

const db = testDatabaseUrl();
const timed = (count: number, ms: number) => Array.from({ length: count }, () => ({ type: 'test.timed', data: { ms } }));

describe('queues: counts, lag as time, throughput, control', () => {
  let stack: TestStack;
  before(async () => {
    await resetWithCatalogue(db);
    stack = await TestStack.start();
  });
  after(() => stack.close());

  const summary = async (name: string) => (await stack.get<QueueSummary>(`/v1/queues/${name}`)).body;

  it('lists every queue with its workers and handlers', async () => {
    const { status, body } = await stack.get<QueueSummary[]>('/v1/queues');
    assert.equal(status, 200);
    const names = body.map((queue) => queue.name);
    for (const name of ['email', 'inventory', 'payment', 'test-timed']) assert.ok(names.includes(name), name);
    const email = body.find((queue) => queue.name === 'email')!;
    assert.deepEqual(email.handlers.sort(), ['email.order-cancelled', 'email.order-confirmation', 'email.review-request', 'email.shipping-notice']);
    assert.equal(email.workers, 1);
    assert.equal((await stack.get<Problem>('/v1/queues/nope')).status, 404);
  });

  it('pauses and resumes a queue, with an audit row each', async () => {
    const paused = await stack.post<QueueSummary>('/v1/queues/test-timed/pause', '', { 'X-Actor': 'bob' });
    assert.equal(paused.status, 200);
    assert.equal(paused.body.paused, true);
    const resumed = await stack.post<QueueSummary>('/v1/queues/test-timed/resume', '', { 'X-Actor': 'bob' });
    assert.equal(resumed.body.paused, false);
    assert.deepEqual(await queryRows(db, "SELECT actor, action, target FROM switchyard.audit_log WHERE target = 'queue:test-timed' ORDER BY id"), [
      { actor: 'bob', action: 'queue.pause', target: 'queue:test-timed' },
      { actor: 'bob', action: 'queue.resume', target: 'queue:test-timed' },
    ]);
  });

  it('measures backlog and the age of the oldest waiting job while a queue is paused', async () => {
    await stack.post('/v1/queues/test-timed/pause', '');
    const posted = Date.now();
    const { body } = await stack.post<BatchResult>('/v1/events/batch', timed(30, 40));
    assert.equal(body.accepted, 30);
    await new Promise((resolve) => setTimeout(resolve, 1_500)); // let the jobs age: what is measured is their age
    const queue = await summary('test-timed');
    const age = Date.now() - posted;
    assert.equal(queue.lag.backlog, 30);
    assert.equal(queue.counts.waiting, 30);
    assert.ok(queue.lag.oldestWaitingAgeMs >= 1_400 && queue.lag.oldestWaitingAgeMs <= age + 50, `oldest ${queue.lag.oldestWaitingAgeMs} ms, posted ${age} ms ago`);
  });

  it('reports throughput, drain time and percentiles against a known service rate', async () => {
    // 30 jobs of 40 ms, one at a time: about 25 a second, so about 1.2 s of work.
    await stack.post('/v1/queues/test-timed/resume', '');
    await waitFor('the backlog to drain', async () => (await summary('test-timed')).counts.completed >= 30, { timeoutMs: 15_000 });
    await stack.worker!.get(JobStatsRecorder).flush();
    // Rates read complete 5-second buckets: wait for the current one to close.
    await new Promise((resolve) => setTimeout(resolve, 5_100 - (Date.now() % 5_000)));
    const queue = await summary('test-timed');
    assert.equal(queue.throughput.completedPerSec, 0.5, '30 completions over the last minute');
    assert.equal(queue.throughput.failedPerSec, 0);
    assert.equal(queue.lag.backlog, 0);
    assert.equal(queue.lag.drainTimeMs, 0);
    const { p50, p95, p99 } = queue.processingMs;
    assert.ok(p50! >= 20 && p50! <= 100, `p50 ${p50} ms for 40 ms jobs`);
    assert.ok(p95! >= p50! && p99! >= p95!, 'percentiles are ordered');
    assert.ok(queue.waitMs.p99! >= 1_000, `these jobs waited out the pause: wait p99 ${queue.waitMs.p99} ms`);

    const series = await stack.get<MetricSeries<ThroughputPoint>>('/v1/metrics/throughput?queue=test-timed&step=5');
    assert.equal(series.status, 200);
    assert.equal(series.body.stepSeconds, 5);
    assert.equal(series.body.points.reduce((sum, point) => sum + point.completed, 0), 30);
    const minutes = await stack.get<MetricSeries<ThroughputPoint>>('/v1/metrics/throughput?queue=test-timed&step=60');
    assert.equal(minutes.body.points.reduce((sum, point) => sum + point.completed, 0), 30, 'the 1-minute series agrees');
  });

  it('estimates drain time from the recent completion rate', async () => {
    await stack.post('/v1/queues/test-timed/pause', '');
    await stack.post('/v1/events/batch', timed(10, 1));
    const queue = await summary('test-timed');
    assert.equal(queue.lag.backlog, 10);
    // 10 waiting at 0.5 completed per second over the last minute: 20 seconds.
    assert.equal(queue.lag.drainTimeMs, 20_000);
    await stack.post('/v1/queues/test-timed/resume', '');
  });

  it('samples lag into a series that outlives the process', async () => {
    await stack.post('/v1/queues/test-timed/pause', '');
    await stack.post('/v1/events/batch', timed(7, 1));
    const backlog = (await summary('test-timed')).lag.backlog;
    assert.ok(backlog >= 7);
    await stack.api.get(LagSampler).sample();
    const { body } = await stack.get<MetricSeries<LagPoint>>('/v1/metrics/lag?queue=test-timed');
    const latest = body.points.filter((point) => point.backlog !== null).at(-1);
    assert.equal(latest?.backlog, backlog);
    assert.ok((latest?.oldestWaitingAgeMs ?? -1) >= 0);
    const bad = await stack.get<Problem>('/v1/metrics/lag?queue=test-timed&step=7');
    assert.equal(bad.status, 400);
    assert.equal((await stack.get<Problem>('/v1/metrics/lag?queue=nope')).status, 404);
    await stack.post('/v1/queues/test-timed/resume', '');
  });

  it('pages jobs by state, never unbounded, and shows one job', async () => {
    await stack.post('/v1/queues/test-timed/pause', '');
    await stack.post('/v1/events/batch', timed(5, 1));
    const page = await stack.get<QueueJobPage>('/v1/queues/test-timed/jobs?state=waiting&start=0&end=2');
    assert.equal(page.status, 200);
    assert.equal(page.body.items.length, 3);
    assert.ok(page.body.total >= 5);
    const job = await stack.get<QueueJob>(`/v1/queues/test-timed/jobs/${encodeURIComponent(page.body.items[0].id)}`);
    assert.equal(job.body.name, 'test.timed');
    assert.equal(job.body.state, 'waiting');
    assert.equal((await stack.get<Problem>('/v1/queues/test-timed/jobs?start=0&end=5000')).status, 400);
    assert.equal((await stack.get<Problem>('/v1/queues/test-timed/jobs?state=lost')).status, 400);
    assert.equal((await stack.get<Problem>('/v1/queues/test-timed/jobs/nope')).status, 404);
    await stack.post('/v1/queues/test-timed/resume', '');
  });

  it('streams a snapshot of every queue each second over Server-Sent Events', async () => {
    const controller = new AbortController();
    const response = await fetch(stack.url('/v1/stream'), { signal: controller.signal, headers: stack.auth });
    assert.equal(response.status, 200);
    assert.match(response.headers.get('content-type') ?? '', /text\/event-stream/);
    const reader = response.body!.getReader();
    const snapshots: QueuesSnapshot[] = [];
    let buffer = '';
    const started = Date.now();
    while (snapshots.length < 3 && Date.now() - started < 10_000) {
      const { value, done } = await reader.read();
      if (done) break;
      buffer += Buffer.from(value).toString('utf8');
      const messages = buffer.split('\n\n');
      buffer = messages.pop()!;
      for (const message of messages) {
        assert.match(message, /^event: queues$/m);
        const data = /^data: (.*)$/m.exec(message)?.[1];
        if (data) snapshots.push(JSON.parse(data) as QueuesSnapshot);
      }
    }
    controller.abort();
    assert.equal(snapshots.length, 3);
    const spacing = Date.parse(snapshots[2].at) - Date.parse(snapshots[1].at);
    assert.ok(spacing >= 900 && spacing <= 1_600, `one a second, got ${spacing} ms apart`);
    const payment = snapshots[2].queues.find((queue) => queue.name === 'payment');
    assert.ok(payment && typeof payment.lag.backlog === 'number' && typeof payment.throughput.completedPerSec === 'number');
  });
});
