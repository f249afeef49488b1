// What every peer process shares: its spec (one JSON argument from
// peers/start.ts), the event as its jobs carry it, and how main() fails.

/** The spec a peer process gets as its one argument. */
export interface PeerSpec {
  role: 'api' | 'worker';
  databaseUrl: string;
  redisUrl: string;
  /** BullMQ key prefix (the raw BullMQ peer only). */
  prefix: string;
  /** The fan-out's three queues: BullMQ queues, graphile-worker task identifiers, pg-boss queues. */
  queues: string[];
  /** Jobs run at once per queue. */
  concurrency: number;
}

export function readSpec(): PeerSpec {
  return JSON.parse(process.argv[2] ?? '{}') as PeerSpec;
}

/**
 * A job's payload in every peer: the whole event, as Switchyard's jobs carry
 * it (~0.5 KB), with when it was accepted (ISO 8601).
 */
export interface QueuedEvent {
  event: { id: string; type: unknown; source: unknown; subject: unknown; data: unknown; receivedAt: string };
}

/** Runs `main`, printing the error and exiting 1 if it fails. */
export function runMain(main: () => Promise<void>): void {
  main().catch((error) => {
    console.error(error);
    process.exit(1);
  });
}

/** Tells the harness the process is ready; on SIGTERM or SIGINT runs `stop`, then exits 0. */
export function readyUntilSignal(stop: () => Promise<unknown>): void {
  const exit = async () => {
    await stop();
    process.exit(0);
  };
  process.on('SIGTERM', exit);
  process.on('SIGINT', exit);
  process.send?.({ type: 'ready' });
}
