import type { FaultStack, StackProcess } from './fault-stack.js';

/**
 * Restarts a worker whenever it exits, as systemd or Kubernetes would, until
 * stopped. Counts the restarts.
 */
export class Supervisor {
  restarts = 0;
  current: StackProcess | null = null;
  private running = true;
  private readonly loop: Promise<void>;

  constructor(
    private readonly stack: FaultStack,
    private readonly env: Record<string, string> = {},
    private readonly restartDelayMs = 200,
  ) {
    this.loop = this.supervise();
  }

  async stop(): Promise<void> {
    this.running = false;
    await this.current?.kill9();
    await this.loop.catch(() => undefined);
  }

  private async supervise(): Promise<void> {
    while (this.running) {
      try {
        this.current = await this.stack.startWorker(this.env);
        await this.current.exited;
      } catch {
        // It could not boot (Postgres or Redis away): try again, as an orchestrator would.
      }
      if (!this.running) return;
      this.restarts++;
      await new Promise((resolve) => setTimeout(resolve, this.restartDelayMs));
    }
  }
}
