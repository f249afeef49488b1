import type { Worker } from 'bullmq';
import { Cluster } from 'ioredis';
import type { RedisClient } from '../../foundation/connections/redis-client.js';
import type { JobPayload } from '../queues/job-payload.js';

/** Whether one of this process's BullMQ Workers is taking jobs from its queue. */
export type ConsumerCondition = 'running' | 'closing' | 'closed' | 'paused' | 'stopped' | 'disconnected';

/** One queue's consumer, as the worker's /health/ready reports it. */
export interface ConsumerState {
  queue: string;
  state: ConsumerCondition;
  /** Why it takes no jobs (absent while running), for the operator reading the probe. */
  reason?: string;
}

/**
 * Watches one BullMQ Worker so readiness can say whether it is taking jobs
 * and, if not, why. Read-only: it listens to the Worker's events and reads
 * its public state; it never pauses, resumes or closes it.
 */
export class QueueConsumer {
  private closed = false;
  private lastError: string | null = null;

  constructor(
    readonly queue: string,
    private readonly worker: Worker<JobPayload>,
    /** The Worker's own (non-blocking) connection; BullMQ duplicates it for blocking reads. */
    private readonly connection: RedisClient,
  ) {
    worker.on('closed', () => (this.closed = true));
    worker.on('error', (error: Error) => (this.lastError = error.message));
  }

  async state(): Promise<ConsumerState> {
    const { queue, worker } = this;
    if (this.closed) return { queue, state: 'closed', reason: 'its worker is closed: it takes no jobs' };
    if (worker.closing) return { queue, state: 'closing', reason: 'its worker is closing: it takes no new jobs while those in flight finish' };
    // The crash quarantine pauses every worker while a job that was in flight when a worker died runs alone.
    if (worker.isPaused()) return { queue, state: 'paused', reason: 'its worker is paused by this process' };
    if (!worker.isRunning()) {
      return { queue, state: 'stopped', reason: `its worker stopped fetching jobs${this.lastError ? ` (last error: ${this.lastError})` : ''}` };
    }
    if (!connected(this.connection.status, this.connection instanceof Cluster)) {
      return { queue, state: 'disconnected', reason: `its Redis connection is ${this.connection.status}` };
    }
    // The blocking connection (BZPOPMIN) is the one that waits for jobs: while
    // it is down the worker fetches nothing, even though it still "runs".
    const blocking = await settledNow(worker.getBackend().blockingClient);
    if (!blocking) return { queue, state: 'disconnected', reason: 'its blocking Redis connection has not connected yet' };
    if (!connected(blocking.status, blocking.isCluster)) {
      return { queue, state: 'disconnected', reason: `its blocking Redis connection is ${blocking.status}` };
    }
    return { queue, state: 'running' };
  }
}

/** ioredis reports a connected Cluster as 'connect' until its first ready check. */
function connected(status: string, cluster: boolean): boolean {
  return status === 'ready' || (cluster && status === 'connect');
}

/** The value of `promise` if it has already settled with one, else null: a probe must not wait on a connection. */
async function settledNow<T>(promise: Promise<T> | undefined): Promise<T | null> {
  if (!promise) return null;
  const pending = new Promise<null>((resolve) => setImmediate(() => resolve(null)));
  return Promise.race([promise.catch(() => null), pending]);
}
