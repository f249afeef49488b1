// The benchmark suite (bench/, `npm run bench`) in its smoke mode: every
// scenario runs for a second or two with small counts, so the suite cannot rot.
// Timings are not asserted (CI machines vary); only that every scenario
// produced numbers, that the guarded handler really wrote its rows, and that
// the peers stored what they accepted.
import { INTERNAL_CONDITION, missingToolsFail, testDatabaseUrl, testRedisUrl } from '@switchyard/testing';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';

const root = join(__dirname, '..', '..');

/**
 * The test database's server, with a database of the benchmark's own (it
 * empties its tables), named after the test database so that two checkouts
 * testing on one server do not share it.
 */
function benchDatabaseUrl(): string {
  const url = new URL(testDatabaseUrl());
  url.pathname = `${url.pathname.replace(/\/$/, '')}_bench_smoke`;
  return url.toString();
}

function isNumber(value: unknown): value is number {
  return typeof value === 'number' && Number.isFinite(value);
}

function at(results: unknown, path: string): unknown {
  return path.split('.').reduce<unknown>((value, key) => (value as Record<string, unknown> | undefined)?.[key], results);
}

describe('benchmark suite, smoke mode', () => {
  it('runs every scenario and writes numeric results with the machine', { timeout: 290_000 }, async () => {
    const dir = await mkdtemp(join(tmpdir(), 'switchyard-bench-'));
    const out = join(dir, 'smoke.json');
    try {
      const child = spawn(
        process.execPath,
        ['--enable-source-maps', INTERNAL_CONDITION, join(root, 'bench', 'dist', 'cli.js'), '--smoke', '--out', out, '--database-url', benchDatabaseUrl(), '--redis-url', testRedisUrl()],
        { cwd: root, env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '' }, stdio: ['ignore', 'pipe', 'pipe'] },
      );
      let output = '';
      child.stdout.on('data', (chunk) => (output += chunk));
      child.stderr.on('data', (chunk) => (output += chunk));
      const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
      assert.equal(code, 0, `npm run bench -- --smoke failed:\n${output.slice(-6000)}`);
      assert.match(output, /targets \(issue 18: ratios to the peers, same run\):/, 'prints the table');

      const results = JSON.parse(await readFile(out, 'utf8'));
      assert.equal(results.mode, 'smoke');
      for (const key of ['cores', 'memoryGb']) assert.ok(isNumber(results.machine[key]), `machine.${key}`);
      for (const key of ['node', 'redis', 'postgres', 'bullmq']) assert.match(String(results.machine[key]), /\d/, `machine.${key}`);

      const numeric = [
        'baseline.queueAdd.jobsPerSec',
        'baseline.addBulk.100.jobsPerSec',
        'baseline.addBulk.1000.jobsPerSec',
        'baseline.worker.jobsPerSec',
        'ingest.maxSustainedEventsPerSec',
        'ingest.maxSustainedJobsPerSec',
        'ingest.closedLoop.acceptedPerSec',
        'ingest.at50.latencyMs.p50',
        'ingest.at50.latencyMs.p99',
        'ingest.at80.latencyMs.p50',
        'ingest.at80.latencyMs.p99',
        'batch.100.eventsPerSec',
        'batch.1000.eventsPerSec',
        'endToEnd.maxSustainedEventsPerSec',
        'endToEnd.maxSustainedJobsPerSec',
        'endToEnd.at50.acceptedToHandlerStartMs.p50',
        'endToEnd.at50.acceptedToHandlerStartMs.p95',
        'endToEnd.at50.acceptedToHandlerStartMs.p99',
        'drain.jobsPerSec',
        'idempotent.noop.jobsPerSec',
        'idempotent.guarded.jobsPerSec',
        'idempotent.guardedToNoopRatio',
        'memory.api.start',
        'memory.api.end',
        'memory.worker.start',
        'memory.worker.end',
        'memory.redis.start',
        'memory.redis.end',
        'console.endpoints.queues.latencyMs.p95',
        'console.endpoints.deadLetters.latencyMs.p95',
        'console.endpoints.deadLetterGroups.latencyMs.p95',
        'console.endpoints.events.latencyMs.p95',
        'ratios.endToEndJobsToRawWorker',
        'ratios.workerDrainToRawWorker',
        'ratios.ingestSustainedToGraphileWorker',
        'ratios.ingestSustainedToPgBoss',
        'ratios.ingestSustainedToBullmqHttp',
      ];
      for (const peer of ['bullmqHttp', 'graphileWorker', 'pgBoss']) {
        numeric.push(
          `peers.${peer}.maxSustainedEventsPerSec`,
          `peers.${peer}.closedLoop.acceptedPerSec`,
          `peers.${peer}.latency.0.sentToHandlerStartMs.p50`,
          `peers.${peer}.latency.0.sentToHandlerStartMs.p99`,
        );
      }
      numeric.push(
        'latency.rates.0.sentToHandlerStartMs.p50',
        'latency.rates.0.rawBullmq.sentToHandlerStartMs.p50',
        'latency.rates.0.minusRawMs.p50',
        ...['receive', 'store', 'publish', 'pickup', 'runner'].map((stage) => `latency.rates.0.stagesMs.${stage}.p50`),
      );
      const missing = numeric.filter((path) => !isNumber(at(path.startsWith('ratios.') ? results : results.scenarios, path)));
      assert.deepEqual(missing, [], 'every scenario has numeric results');
      for (const path of ['baseline.worker.jobsPerSec', 'ingest.closedLoop.acceptedPerSec', 'batch.100.eventsPerSec', 'drain.jobsPerSec', 'peers.graphileWorker.closedLoop.acceptedPerSec']) {
        assert.ok((at(results.scenarios, path) as number) > 0, `${path} > 0`);
      }

      // The guarded handler wrote exactly one row per job, through the idempotency guard.
      const { rowsWritten, processedKeys, jobs } = results.scenarios.idempotent.guarded;
      assert.equal(rowsWritten, jobs);
      assert.equal(processedKeys, jobs);
      assert.equal(results.scenarios.console.stored.events, results.settings.consoleRows);
      assert.equal(results.scenarios.console.stored.dead_letters, results.settings.consoleRows);
      assert.ok(results.targets.length >= 10, 'targets judged');

      // The durable peers stored every event they accepted in the probe, with its three jobs.
      for (const peer of ['graphileWorker', 'pgBoss']) {
        const { ok, eventsStored, jobsStored } = results.scenarios.peers[peer].closedLoop;
        assert.ok(eventsStored >= ok && jobsStored === eventsStored * 3, `${peer}: ${ok} accepted, ${eventsStored} events and ${jobsStored} jobs stored`);
      }
      // Every job the peers' workers were given started, and recorded its sent → start.
      for (const peer of ['bullmqHttp', 'graphileWorker', 'pgBoss']) {
        const [first] = results.scenarios.peers[peer].latency;
        assert.equal(first.jobsStarted, first.jobsExpected, `${peer}: jobs started`);
        assert.equal(first.sentToHandlerStartMs.count, first.jobsExpected, `${peer}: latency samples`);
      }
      // Every job of the latency run was split into stages: the API's per event, the worker's per job.
      const [staged] = results.scenarios.latency.rates;
      assert.equal(staged.stagesMs.runner.count, staged.jobsStarted, 'a runner stage per job');
      assert.equal(staged.stagesMs.pickup.count, staged.jobsStarted, 'a pickup stage per job');
      assert.equal(staged.stagesMs.store.count * 3, staged.jobsStarted, 'a store stage per event');
      assert.equal(staged.rawBullmq.stagesMs.runner.count, staged.rawBullmq.jobsStarted, 'raw BullMQ: a runner stage per job');
      // The Postgres ceiling needs pgbench (PostgreSQL's server package, as the fault suite's
      // throwaway clusters do); without it the results say so, which only passes outside CI.
      const ceiling = results.scenarios.peers.postgresCeiling;
      for (const run of [ceiling.clients1, ceiling.clients16, ceiling.clients16WithIdempotencyKey]) {
        if ('error' in run && !missingToolsFail() && /pgbench not found/.test(run.error)) continue;
        assert.ok(isNumber(run.eventsPerSec) && run.eventsPerSec > 0, `Postgres ceiling: ${JSON.stringify(run).slice(0, 300)}`);
        assert.equal(run.eventsStored, run.transactions, 'pgbench stored one event per transaction');
      }
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
