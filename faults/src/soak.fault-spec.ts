// Soak (FAULTS_SOAK=1; FAULTS_SOAK_MS sets the length, default 10 minutes):
// mixed sustained ingest while random faults from scenarios 1–9 hit every
// few seconds, on a Redis and a Postgres of its own, two supervised workers.
// Then the same checks: nothing accepted lost, no effect twice, no job over
// attempts + max stalled count. Figures go to .test-output/soak.json and
// docs/reliability.md.
import { ThrowawayPostgres, waitFor } from '@switchyard/testing';
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { acceptedJobs, check, describeVerdict, waitForDrain } from './harness/checker.js';
import { FAULTS, type SoakWorld } from './harness/fault-catalog.js';
import { FAULT_TIMERS, FaultStack } from './harness/fault-stack.js';
import { IngestLoad } from './harness/ingest-load.js';
import { Supervisor } from './harness/supervisor.js';

const SOAK = process.env.FAULTS_SOAK === '1';
const DURATION_MS = Number(process.env.FAULTS_SOAK_MS ?? 600_000);
const FAULT_EVERY_MS: [number, number] = [8_000, 20_000];

describe('soak: mixed load with random faults', { skip: SOAK ? false : 'set FAULTS_SOAK=1 to run the soak' }, () => {
  let world: SoakWorld;
  before(async () => {
    const postgres = await ThrowawayPostgres.start();
    const stack = await FaultStack.start({ databaseUrl: postgres.url('switchyard_faults'), redis: { appendOnly: true } });
    await stack.startApi();
    world = { stack, postgres, workers: [new Supervisor(stack), new Supervisor(stack)], apiDown: [] };
  });
  after(async () => {
    for (const worker of world?.workers ?? []) await worker.stop();
    await world?.stack.close();
    await world?.postgres.dispose();
  });

  it(`runs ${DURATION_MS / 60_000} minutes and loses nothing, doubles nothing`, async () => {
    const { stack } = world;
    await waitFor('workers up', () => world.workers.every((worker) => worker.current !== null), { timeoutMs: 30_000 });
    const started = Date.now();
    const load = new IngestLoad(stack, { concurrency: 3, pauseMs: 60, task: () => ({ sleepMs: Math.floor(Math.random() * 50) }) });
    const injected: Array<{ fault: string; at: number; ms: number; error?: string }> = [];
    while (Date.now() - started < DURATION_MS) {
      await new Promise((resolve) => setTimeout(resolve, FAULT_EVERY_MS[0] + Math.random() * (FAULT_EVERY_MS[1] - FAULT_EVERY_MS[0])));
      const names = Object.keys(FAULTS);
      const fault = names[Math.floor(Math.random() * names.length)];
      const at = Date.now();
      try {
        await FAULTS[fault](world);
        injected.push({ fault, at: at - started, ms: Date.now() - at });
      } catch (error) {
        injected.push({ fault, at: at - started, ms: Date.now() - at, error: (error as Error).message });
      }
    }
    await load.stop();
    const loadMs = Date.now() - started;

    const accepted = load.accepted();
    const drainStarted = Date.now();
    await waitForDrain(stack, accepted, 300_000);
    const drainMs = Date.now() - drainStarted;
    const verdict = await check(stack, accepted, FAULT_TIMERS.maxStalledCount);
    const inApiOutage = (at: number) => world.apiDown.some(([from, to]) => at >= from - 1_000 && at <= to + 1_000);
    const unanswered = load.answers.filter((answer) => answer.status === 0);
    const unexpected = load.unexpected().filter((answer) => !(answer.status === 0 && inApiOutage(answer.at)));
    const poisonJobs = new Set(
      (await stack.query<{ id: string }>("SELECT j.id FROM switchyard.jobs j JOIN switchyard.events e ON e.id = j.event_id WHERE (e.data->>'crash')::boolean AND j.handler = 'fault.apply'")).map((row) => row.id),
    );
    const otherLetters = [...verdict.deadLetters.keys()].filter((jobId) => !poisonJobs.has(jobId));
    const figures = {
      minutes: Math.round(loadMs / 6_000) / 10,
      answers: load.byStatus(),
      acceptedEvents: accepted.length,
      acceptedJobs: acceptedJobs(accepted).length,
      unansweredWhileApiDown: unanswered.length,
      unexpectedAnswers: unexpected.length,
      faults: injected.reduce<Record<string, number>>((counts, { fault }) => ({ ...counts, [fault]: (counts[fault] ?? 0) + 1 }), {}),
      faultErrors: injected.filter((fault) => fault.error),
      workerRestarts: world.workers.reduce((sum, worker) => sum + worker.restarts, 0),
      drainAfterLoadMs: drainMs,
      lost: verdict.lost.length,
      duplicatedEffects: verdict.duplicatedEffects,
      executionsHistogram: verdict.executionsHistogram,
      maxExecutions: verdict.maxExecutions,
      overBudget: verdict.overBudget.length,
      deadLetters: { poison: verdict.deadLetters.size - otherLetters.length, poisonPosted: poisonJobs.size, other: otherLetters.length },
    };
    const out = join(__dirname, '..', '..', '.test-output');
    mkdirSync(out, { recursive: true });
    writeFileSync(join(out, 'soak.json'), `${JSON.stringify({ ...figures, injected }, null, 2)}\n`);
    console.log(`soak: ${describeVerdict(verdict)}\nsoak figures: ${JSON.stringify(figures)}`);

    assert.deepEqual(unexpected.slice(0, 5), [], 'only 202s and 503s with Retry-After (or no answer while the API was down)');
    assert.deepEqual(verdict.lost, [], 'no accepted job lost');
    assert.equal(verdict.duplicatedEffects, 0, 'no effect applied twice');
    assert.deepEqual(verdict.overBudget, [], 'no job over attempts + max stalled count');
  });
});
