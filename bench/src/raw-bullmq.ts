// Raw BullMQ pieces shared by the baseline (bullmq.main.ts) and the raw
// BullMQ peer behind HTTP (peers/bullmq-http.main.ts): one connection shape
// and one worker setup, so both measure the same BullMQ.
import { type Job, Worker } from 'bullmq';

/** BullMQ connection options from a redis:// URL (BullMQ needs maxRetriesPerRequest null for workers). */
export function redisConnection(url: string) {
  const parsed = new URL(url);
  return {
    host: parsed.hostname,
    port: Number(parsed.port || 6379),
    ...(parsed.password ? { password: decodeURIComponent(parsed.password) } : {}),
    ...(parsed.pathname.length > 1 ? { db: Number(parsed.pathname.slice(1)) } : {}),
    maxRetriesPerRequest: null,
  };
}

export interface WorkersSpec {
  redisUrl: string;
  prefix: string;
  queues: string[];
  concurrency: number;
}

/**
 * One Worker per queue with `concurrency`, whose processor does nothing but
 * call `onStart` (if given) with the job; resolves once every worker is
 * connected, and stops them all on SIGTERM/SIGINT, then exits.
 */
export async function startNoopWorkers(spec: WorkersSpec, onStart?: (job: Job) => void): Promise<Worker[]> {
  const processor = onStart
    ? async (job: Job) => {
        onStart(job);
        return null;
      }
    : async () => null;
  const workers = spec.queues.map((name) => new Worker(name, processor, { connection: redisConnection(spec.redisUrl), prefix: spec.prefix, concurrency: spec.concurrency }));
  await Promise.all(workers.map((worker) => worker.waitUntilReady()));
  const stop = async () => {
    await Promise.all(workers.map((worker) => worker.close()));
    process.exit(0);
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
  return workers;
}
