import { Logger, type LoggerService } from '@nestjs/common';
import { Signal } from './signal.js';

/** After this many failed passes in a row, and every as many more, a failure is logged again. */
const LOG_EVERY = 20;

/** What a pass is told of the wait before it. */
export interface LoopPass {
  /** The wait ended early: the loop's signal was woken. */
  woken: boolean;
}

export interface BackgroundLoopOptions {
  /** The loop in its log lines: "Outbox relay". */
  name: string;
  /** Ends a wait early (stop() wakes it too); a signal of the loop's own if none is given. */
  signal?: Signal;
  /** How long to wait after the n-th failed pass in a row before the next. */
  retryDelayMs: (failures: number) => number;
  /** Where its lines go; a Nest Logger named after the loop if none is given. */
  logger?: Pick<LoggerService, 'log' | 'warn'>;
}

/** 500 ms after the first failure, doubling with each failure after it, at most `maxMs`. */
export function exponentialBackoff(maxMs: number): (failures: number) => number {
  return (failures) => Math.min(250 * 2 ** failures, maxMs);
}

/**
 * Work done again and again in the background of a process (the outbox
 * relay, the scheduler, the bulk-operation runner). Each pass returns how
 * long to wait before the next; the wait ends early when the signal is woken,
 * and a wait of 0 still yields to the event loop (taking a wake that came
 * meanwhile). A pass that throws is tried again after `retryDelayMs`; the
 * first failure in a row is logged, then every 20th, and the recovery. stop()
 * lets the pass in progress finish, and no other starts.
 */
export class BackgroundLoop {
  private readonly signal: Signal;
  private readonly logger: Pick<LoggerService, 'log' | 'warn'>;
  private active = false;
  private done: Promise<void> = Promise.resolve();

  constructor(
    private readonly pass: (pass: LoopPass) => Promise<number>,
    private readonly options: BackgroundLoopOptions,
  ) {
    this.signal = options.signal ?? new Signal();
    this.logger = options.logger ?? new Logger(options.name);
  }

  /** True from start() until stop(): long passes check it to end early. */
  get running(): boolean {
    return this.active;
  }

  /** The first pass comes once the event loop has turned (at once if the signal was woken before). */
  start(): void {
    if (this.active) return;
    this.active = true;
    this.done = this.run();
  }

  /** Resolves once the pass in progress, if any, is over. */
  async stop(): Promise<void> {
    this.active = false;
    this.signal.wake();
    await this.done;
  }

  private async run(): Promise<void> {
    let failures = 0;
    let wait = 0;
    while (this.active) {
      const woken = await this.signal.sleep(wait);
      if (!this.active) break;
      try {
        wait = await this.pass({ woken });
        if (failures > 0) this.logger.log(`${this.options.name} recovered after ${failures} failed ${failures === 1 ? 'pass' : 'passes'}`);
        failures = 0;
      } catch (error) {
        failures++;
        wait = this.options.retryDelayMs(failures);
        if (failures === 1 || failures % LOG_EVERY === 0) {
          this.logger.warn(`${this.options.name} failed (${(error as Error).message}); trying again in ${wait} ms${failures > 1 ? ` (${failures} failures in a row)` : ''}`);
        }
      }
    }
  }
}
