// A worker running the benchmark's handlers (BENCH_HANDLERS=fanout|single|guarded,
// comma-separated), as its own process. Over IPC it answers what its handlers
// measured: {type:'latency'} → summaries; {type:'reset'} clears them.
import 'reflect-metadata';
import { closeOnSignals, JobProcessor, loadConfig } from '@switchyard/server/internal';
import { createWorkerApp, toWorkerConfig, workerEnvSchema } from '@switchyard/server/internal';
import { BenchHandlersModule, benchEvents, jobTimes, parseHandlerSets, starts } from './catalog.js';
import { answerOverIpc } from './handler-starts.js';

async function main(): Promise<void> {
  const config = toWorkerConfig(loadConfig(workerEnvSchema, process.env));
  const app = await createWorkerApp({ config, events: benchEvents, handlers: [BenchHandlersModule.forSets(parseHandlerSets(process.env.BENCH_HANDLERS))] });
  closeOnSignals(app, () => undefined);
  recordJobTimes(app.get(JobProcessor));
  answerOverIpc(starts);
  await app.init();
  process.send?.({ type: 'ready' });
  process.stdout.write(`bench worker ${config.switchyard.worker.id} ready\n`);
}

/**
 * Keeps BullMQ's times of each job (created, moved to active) for its handler
 * to split sent → start into stages. Wraps the processor: it reads what
 * BullMQ handed over and changes nothing the runner does.
 */
function recordJobTimes(processor: JobProcessor): void {
  const process = processor.process.bind(processor);
  processor.process = (job, token) => {
    if (job.id && job.processedOn) jobTimes.set(job.id, { enqueuedAt: job.timestamp, activeAt: job.processedOn });
    return process(job, token);
  };
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
