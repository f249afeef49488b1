import { Injectable } from '@nestjs/common';

/**
 * Wakes the relay in this process when a publish fell short. An in-process
 * signal rather than LISTEN/NOTIFY: it needs no dedicated session, so the
 * API also runs behind a transaction-mode PgBouncer. Rows left by a process
 * that died are found by the relay's periodic sweep in the other replicas.
 */
@Injectable()
export class OutboxSignal {
  private waiter: (() => void) | null = null;
  private pending = false;

  wake(): void {
    this.pending = true;
    this.waiter?.();
  }

  /** Resolves after `ms`, or earlier on `wake()`; a wake that came first is not lost. */
  sleep(ms: number): Promise<boolean> {
    if (this.pending) {
      this.pending = false;
      return Promise.resolve(true);
    }
    return new Promise((resolve) => {
      const timer = setTimeout(() => finish(false), ms);
      const finish = (woken: boolean) => {
        clearTimeout(timer);
        this.waiter = null;
        this.pending = false;
        resolve(woken);
      };
      this.waiter = () => finish(true);
    });
  }
}
