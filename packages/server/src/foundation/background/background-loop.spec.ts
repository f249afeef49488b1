import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { BackgroundLoop, exponentialBackoff, type LoopPass } from './background-loop.js';
import { Signal } from './signal.js';

const until = async (what: string, condition: () => boolean, timeoutMs = 2_000): Promise<void> => {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 2));
  }
};

/** Lines a loop logged, by level. */
function recordingLogger() {
  const lines: Array<['log' | 'warn', string]> = [];
  return { lines, logger: { log: (message: string) => void lines.push(['log', message]), warn: (message: string) => void lines.push(['warn', message]) } };
}

describe('BackgroundLoop', () => {
  it('makes no pass until started, then one at once, then each after the wait the last asked for', async () => {
    const passes: number[] = [];
    const loop = new BackgroundLoop(
      async () => {
        passes.push(performance.now());
        return 80;
      },
      { name: 'test loop', retryDelayMs: () => 0 },
    );
    await new Promise((resolve) => setTimeout(resolve, 20));
    assert.equal(passes.length, 0);
    const started = performance.now();
    loop.start();
    assert.equal(loop.running, true);
    await until('three passes', () => passes.length >= 3);
    await loop.stop();
    assert.ok(passes[0] - started < 500, `first pass ${passes[0] - started} ms after start`);
    assert.ok(passes[1] - passes[0] >= 79 && passes[2] - passes[1] >= 79, `passes ${passes.map((at) => Math.round(at - started)).join(', ')} ms after start`);
  });

  it('ends a wait early when its signal is woken, and tells the pass', async () => {
    const signal = new Signal();
    const passes: Array<{ at: number } & LoopPass> = [];
    const loop = new BackgroundLoop(
      async (pass) => {
        passes.push({ at: performance.now(), ...pass });
        return 60_000;
      },
      { name: 'test loop', signal, retryDelayMs: () => 0 },
    );
    loop.start();
    await until('the first pass', () => passes.length === 1);
    signal.wake();
    await until('a pass after the wake', () => passes.length === 2);
    await loop.stop();
    assert.deepEqual(passes.map(({ woken }) => woken), [false, true]);
    assert.ok(passes[1].at - passes[0].at < 1_000, 'long before its 60 s wait was over');
  });

  it('stops once the pass in progress is over, and starts no other', async () => {
    let release: () => void = () => undefined;
    let passes = 0;
    const loop = new BackgroundLoop(
      async () => {
        passes++;
        await new Promise<void>((resolve) => (release = resolve));
        return 0;
      },
      { name: 'test loop', retryDelayMs: () => 0 },
    );
    loop.start();
    await until('a pass in progress', () => passes === 1);
    let stopped = false;
    const stopping = loop.stop().then(() => (stopped = true));
    assert.equal(loop.running, false, 'a long pass can see the loop is stopping');
    await new Promise((resolve) => setTimeout(resolve, 50));
    assert.equal(stopped, false, 'stop() waits for the pass');
    release();
    await stopping;
    await new Promise((resolve) => setTimeout(resolve, 50));
    assert.equal(passes, 1);
  });

  it('tries a failed pass again after the retry delay, logging the first and every 20th failure and the recovery', async () => {
    const { lines, logger } = recordingLogger();
    const passes: number[] = [];
    const loop = new BackgroundLoop(
      async () => {
        passes.push(performance.now());
        if (passes.length <= 25) throw new Error(`Redis is away (${passes.length})`);
        return 60_000;
      },
      { name: 'test loop', logger, retryDelayMs: (failures) => (failures === 1 ? 60 : 0) },
    );
    loop.start();
    await until('a pass that succeeds', () => passes.length === 26);
    await loop.stop();
    assert.ok(passes[1] - passes[0] >= 59, `tried again ${passes[1] - passes[0]} ms after the first failure`);
    assert.deepEqual(lines, [
      ['warn', 'test loop failed (Redis is away (1)); trying again in 60 ms'],
      ['warn', 'test loop failed (Redis is away (20)); trying again in 0 ms (20 failures in a row)'],
      ['log', 'test loop recovered after 25 failed passes'],
    ]);
  });

  it('backs off exponentially, up to a ceiling', () => {
    const backoff = exponentialBackoff(5_000);
    assert.deepEqual([1, 2, 3, 4, 5, 10].map(backoff), [500, 1_000, 2_000, 4_000, 5_000, 5_000]);
  });
});
