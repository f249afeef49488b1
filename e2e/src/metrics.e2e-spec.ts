import type { AcceptedEvent } from '@switchyard/core/contracts';
import { get, needs, queryRows, testDatabaseUrl, toolPath, waitFor } from '@switchyard/testing';
import { anOrder, orderPlacedEvent } from '@switchyard/example-shop';
import { MetricsServer } from '@switchyard/server/internal';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { resetWithCatalogue } from './support/database.js';
import { TestStack } from './support/stack.js';

const db = testDatabaseUrl();

function promtool(text: string): { status: number | null; output: string } {
  const result = spawnSync(toolPath('promtool'), ['check', 'metrics'], { input: text, encoding: 'utf8' });
  if (result.error) throw new Error(`promtool did not run: ${result.error.message}`);
  return { status: result.status, output: `${result.stdout}${result.stderr}` };
}

describe('Prometheus metrics on the API and the workers', () => {
  let stack: TestStack;
  let apiText = '';
  let workerText = '';
  before(async () => {
    await resetWithCatalogue(db);
    stack = await TestStack.start();
    const good = await stack.post<AcceptedEvent>('/v1/events', orderPlacedEvent());
    await stack.post<AcceptedEvent>('/v1/events', orderPlacedEvent(anOrder({ token: 'tok_declined' })));
    await stack.post('/v1/events', { type: 'order.placed', data: {} });
    // Five jobs for the good order's saga (inventory.reserve, payment.charge, order.confirm twice, the email),
    // four for the declined one (its payment dead, its reservation recorded by order.confirm, no confirmation,
    // and inventory.release-unpaid on the dead letter's switchyard.job.dead_lettered).
    await waitFor('both orders handled', async () => (await queryRows(db, "SELECT 1 FROM switchyard.jobs WHERE outcome IS NOT NULL")).length === 9, { timeoutMs: 20_000 });
    assert.ok(good.body.eventId);
    apiText = (await stack.get<string>('/metrics')).text;
    const port = stack.worker!.get(MetricsServer).port;
    workerText = (await get<string>(`http://127.0.0.1:${port}/metrics`)).text;
  });
  after(() => stack.close());

  it('pass promtool check metrics', needs('promtool'), () => {
    for (const [name, text] of [['api', apiText], ['worker', workerText]]) {
      const { status, output } = promtool(text);
      assert.equal(status, 0, `${name}: ${output}`);
      assert.equal(output.trim(), '', `${name}: ${output}`);
    }
  });

  it('count jobs by outcome, queue and handler on the worker', () => {
    assert.match(workerText, /^switchyard_jobs_completed_total\{queue="payment",handler="payment\.charge"\} 1$/m);
    assert.match(workerText, /^switchyard_jobs_failed_total\{queue="payment",handler="payment\.charge"\} 1$/m);
    assert.match(workerText, /^switchyard_job_processing_seconds_count\{queue="inventory",handler="inventory\.reserve"\} 2$/m);
    assert.match(workerText, /^switchyard_job_processing_seconds_count\{queue="orders",handler="order\.confirm"\} 3$/m);
    assert.match(workerText, /^switchyard_job_wait_seconds_bucket\{le="\+Inf",queue="email"\} 1$/m, 'one confirmation email: the declined order is never confirmed');
  });

  it('count ingest requests by status and expose backlog, outbox and dead-letter gauges on the API', async () => {
    assert.match(apiText, /^switchyard_ingest_requests_total\{endpoint="\/v1\/events",status="202"\} 2$/m);
    assert.match(apiText, /^switchyard_ingest_requests_total\{endpoint="\/v1\/events",status="400"\} 1$/m);
    assert.match(apiText, /^switchyard_queue_backlog\{queue="payment"\} 0$/m);
    assert.match(apiText, /^switchyard_queue_oldest_waiting_age_seconds\{queue="payment"\} 0$/m);
    assert.match(apiText, /^switchyard_outbox_backlog 0$/m);
    assert.match(apiText, /^switchyard_dead_letters_open 1$/m);
  });

  it('ship a Grafana dashboard whose every query uses metrics we export', () => {
    const dashboard = JSON.parse(readFileSync(join(__dirname, '..', '..', 'deploy', 'grafana', 'switchyard.json'), 'utf8')) as {
      panels: Array<{ title: string; targets: Array<{ expr: string }> }>;
    };
    const exported = new Set([...`${apiText}\n${workerText}`.matchAll(/^# TYPE (\S+) /gm)].map((match) => match[1]));
    const used = new Set(dashboard.panels.flatMap((panel) => panel.targets.flatMap((target) => [...target.expr.matchAll(/switchyard_[a-z_]+/g)].map((m) => m[0]))));
    assert.ok(used.size >= 8);
    for (const metric of used) {
      const base = metric.replace(/_(bucket|count|sum)$/, '');
      assert.ok(exported.has(metric) || exported.has(base), `${metric} is not exported`);
    }
    assert.ok(dashboard.panels.some((panel) => /latency|time/i.test(panel.title)));
  });
});
