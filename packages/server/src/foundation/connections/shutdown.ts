/**
 * Closes `app` (what createApi or createWorker returned) on SIGTERM or SIGINT
 * — in-flight jobs finish within WORKER_SHUTDOWN_GRACE_MS, connections close —
 * and exits 0, so orchestrators read a clean stop. A second signal exits at
 * once, with 1.
 */
export function closeOnSignals(app: { close(): Promise<void> }, log: (message: string) => void = console.log): void {
  let closing = false;
  const onSignal = (signal: NodeJS.Signals) => {
    if (closing) {
      log(`${signal} again: exiting now`);
      process.exit(1);
    }
    closing = true;
    log(`${signal}: shutting down`);
    app.close().then(
      () => process.exit(0),
      (error: Error) => {
        log(`shutdown failed: ${error.stack ?? error.message}`);
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', onSignal);
  process.on('SIGINT', onSignal);
}
