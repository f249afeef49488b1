// Raw BullMQ, the baseline: the same Redis, payload, job options, queues and
// worker concurrency as Switchyard's, nothing of Switchyard in between.
//   node bullmq.main.js '{"mode":"add",...}'      Queue.add for N seconds, K in flight → {jobsPerSec}
//   node bullmq.main.js '{"mode":"addBulk",...}'  Queue.addBulk of `bulk` jobs, K in flight
//   node bullmq.main.js '{"mode":"fill",...}'     addBulk `total` jobs spread over the queues, then exit
//   node bullmq.main.js '{"mode":"worker",...}'   one Worker per queue, no-op processor, until SIGTERM
import { Queue } from 'bullmq';
import { rawJobData, RAW_JOB_OPTIONS } from './payload.js';
import { redisConnection, startNoopWorkers } from './raw-bullmq.js';

interface Spec {
  mode: 'add' | 'addBulk' | 'fill' | 'worker';
  redisUrl: string;
  prefix: string;
  queues: string[];
  seconds?: number;
  inFlight?: number;
  bulk?: number;
  total?: number;
  concurrency?: number;
}

async function produce(spec: Spec): Promise<void> {
  const queues = spec.queues.map((name) => new Queue(name, { connection: redisConnection(spec.redisUrl), prefix: spec.prefix }));
  await Promise.all(queues.map((queue) => queue.waitUntilReady()));
  const bulk = spec.mode === 'add' ? 1 : (spec.bulk ?? 100);
  let n = 0;
  const job = () => {
    const i = n++;
    return { name: 'bench.raw', data: rawJobData(i), opts: RAW_JOB_OPTIONS };
  };
  let added = 0;
  const started = performance.now();
  if (spec.mode === 'fill') {
    const total = spec.total ?? 0;
    for (let done = 0; done < total; ) {
      const size = Math.min(1000, total - done);
      const perQueue = new Map<Queue, ReturnType<typeof job>[]>();
      for (let i = 0; i < size; i++) {
        const queue = queues[(done + i) % queues.length];
        perQueue.set(queue, [...(perQueue.get(queue) ?? []), job()]);
      }
      await Promise.all([...perQueue].map(([queue, jobs]) => queue.addBulk(jobs)));
      done += size;
      added = done;
    }
  } else {
    const deadline = started + (spec.seconds ?? 5) * 1000;
    const loops = Array.from({ length: spec.inFlight ?? 32 }, async (_, loop) => {
      let turn = loop;
      while (performance.now() < deadline) {
        const queue = queues[turn++ % queues.length];
        if (spec.mode === 'add') {
          const { name, data, opts } = job();
          await queue.add(name, data, opts);
        } else {
          await queue.addBulk(Array.from({ length: bulk }, job));
        }
        added += bulk;
      }
    });
    await Promise.all(loops);
  }
  const seconds = (performance.now() - started) / 1000;
  await Promise.all(queues.map((queue) => queue.close()));
  process.stdout.write(`${JSON.stringify({ type: 'result', added, seconds, jobsPerSec: added / seconds })}\n`);
}

async function work(spec: Spec): Promise<void> {
  await startNoopWorkers({ redisUrl: spec.redisUrl, prefix: spec.prefix, queues: spec.queues, concurrency: spec.concurrency ?? 20 });
  process.send?.({ type: 'ready' });
}

const spec = JSON.parse(process.argv[2] ?? '{}') as Spec;
(spec.mode === 'worker' ? work(spec) : produce(spec)).catch((error) => {
  console.error(error);
  process.exit(1);
});
