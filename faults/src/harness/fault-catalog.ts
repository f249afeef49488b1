import type { ThrowawayPostgres } from '@switchyard/testing';
import type { FaultStack } from './fault-stack.js';
import { FAULT_TIMERS } from './fault-stack.js';
import type { Supervisor } from './supervisor.js';

/** What a soak can break, and how long each break lasts. */
export interface SoakWorld {
  stack: FaultStack;
  postgres: ThrowawayPostgres;
  workers: Supervisor[];
  /** Set while the API is down on purpose: unanswered requests then are expected. */
  apiDown: Array<[number, number]>;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const pick = <T>(items: T[]): T => items[Math.floor(Math.random() * items.length)];

/** The faults of scenarios 1–9, as one-shot actions a soak picks from at random. */
export const FAULTS: Record<string, (world: SoakWorld) => Promise<void>> = {
  'kill -9 a worker': async ({ workers }) => {
    await pick(workers).current?.kill9();
  },
  'SIGTERM a worker': async ({ workers }) => {
    await pick(workers).current?.terminate();
  },
  'poison message': async ({ stack }) => {
    await stack.postTask({ crash: true });
  },
  'event loop blocked past the lock': async ({ stack }) => {
    await stack.postTask({ blockFirstMs: FAULT_TIMERS.lockDurationMs + 3 * FAULT_TIMERS.stalledIntervalMs });
  },
  'Redis SHUTDOWN NOSAVE and restart': async ({ stack }) => {
    await stack.redis.shutdownNoSave();
    await sleep(1_000 + Math.random() * 2_000);
    await stack.redis.start();
  },
  'Redis CLIENT PAUSE past the lock': async ({ stack }) => {
    const ms = 2 * FAULT_TIMERS.lockDurationMs;
    await stack.redis.pause(ms);
    await sleep(ms);
  },
  'Redis out of memory': async ({ stack }) => {
    await stack.redis.starve(0);
    await sleep(2_000 + Math.random() * 2_000);
    await stack.redis.feed();
  },
  'Postgres stopped and restarted': async ({ postgres }) => {
    await postgres.stop('fast');
    await sleep(1_000 + Math.random() * 2_000);
    await postgres.start();
  },
  'API killed (kill -9) and restarted': async ({ stack, apiDown }) => {
    const api = stack.processes.filter((process) => process.name === 'api').at(-1);
    const down = Date.now();
    await api?.kill9();
    await sleep(500);
    await stack.startApi();
    apiDown.push([down, Date.now()]);
  },
};
