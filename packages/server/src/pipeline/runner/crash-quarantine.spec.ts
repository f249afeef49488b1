import type { Job } from 'bullmq';
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CrashQuarantine, type JobFetcher } from './crash-quarantine.js';

/** Just enough of a BullMQ job: its stalled counter, and where stepping aside sends it. */
function aJob(id: string, stalledCounter = 0): Job & { delayedUntil: number | null } {
  const job = {
    id,
    stalledCounter,
    delayedUntil: null as number | null,
    async moveToDelayed(timestamp: number) {
      job.delayedUntil = timestamp;
    },
  };
  return job as unknown as Job & { delayedUntil: number | null };
}

function aFetcher(log: string[]): JobFetcher {
  return { pause: async () => void log.push('pause'), resume: () => void log.push('resume') };
}

function gate(): { open: () => void; opened: Promise<void> } {
  let open!: () => void;
  const opened = new Promise<void>((resolve) => (open = resolve));
  return { open, opened };
}

describe('crash quarantine', () => {
  it('runs jobs that never stalled side by side', async () => {
    const quarantine = new CrashQuarantine();
    const first = gate();
    let running = 0;
    let most = 0;
    const work = async () => {
      most = Math.max(most, ++running);
      await first.opened;
      running--;
    };
    const both = Promise.all([quarantine.run(aJob('a'), 't', work), quarantine.run(aJob('b'), 't', work)]);
    await new Promise((resolve) => setImmediate(resolve));
    first.open();
    await both;
    assert.equal(most, 2);
  });

  it('runs a job that was in flight during a crash alone: waits for the running ones, turns the others away, pauses fetching', async () => {
    const quarantine = new CrashQuarantine();
    const log: string[] = [];
    quarantine.attach([aFetcher(log)], () => false);
    const bystander = gate();
    const running = quarantine.run(aJob('running'), 't', async () => {
      await bystander.opened;
      log.push('running done');
    });
    const suspect = quarantine.run(aJob('suspect', 1), 't', async () => void log.push('suspect ran'));
    const late = aJob('late');
    await assert.rejects(quarantine.run(late, 't', async () => log.push('late ran')), { name: 'DelayedError' });
    assert.ok(late.delayedUntil !== null, 'the late job stepped aside to delayed');
    bystander.open();
    await Promise.all([running, suspect]);
    assert.deepEqual(log, ['pause', 'running done', 'suspect ran', 'resume']);
  });

  it('does not isolate a stalled job that cannot have crashed the worker (at-most-once), but turns it away while isolating', async () => {
    const quarantine = new CrashQuarantine();
    const log: string[] = [];
    quarantine.attach([aFetcher(log)], () => false);
    await quarantine.run(aJob('refused', 1), 't', async () => void log.push('refused ran'), { canCrash: false });
    assert.deepEqual(log, ['refused ran'], 'no pause: it ran beside the others');

    const suspectGate = gate();
    const suspect = quarantine.run(aJob('suspect', 1), 't', async () => {
      await suspectGate.opened;
      log.push('suspect ran');
    });
    const late = aJob('late-at-most-once', 1);
    await assert.rejects(quarantine.run(late, 't', async () => log.push('late ran'), { canCrash: false }), { name: 'DelayedError' });
    suspectGate.open();
    await suspect;
    assert.deepEqual(log, ['refused ran', 'pause', 'suspect ran', 'resume']);
  });

  it('does not restart fetching once the worker is shutting down', async () => {
    const quarantine = new CrashQuarantine();
    const log: string[] = [];
    quarantine.attach([aFetcher(log)], () => true);
    await quarantine.run(aJob('suspect', 1), 't', async () => void log.push('suspect ran'));
    assert.deepEqual(log, ['pause', 'suspect ran']);
  });
});
