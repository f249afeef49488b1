/**
 * A wake-up call for a background loop: `sleep(ms)` resolves after `ms`, or
 * at once when `wake()` is called; a wake that comes while nobody sleeps is
 * kept for the next sleep, so none is lost.
 */
export class Signal {
  private waiter: (() => void) | null = null;
  private pending = false;

  wake(): void {
    this.pending = true;
    this.waiter?.();
  }

  /** Resolves true when woken, false when the time ran out. */
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
