// A worker running the benchmark's handlers (BENCH_HANDLERS=fanout|single|guarded,
// comma-separated), as its own process. Over IPC it answers what its handlers
// measured: {type:'latency'} → summaries; {type:'reset'} clears them.
import 'reflect-metadata';
import { closeOnSignals, loadConfig } from '@switchyard/server/internal';
import { createWorkerApp, toWorkerConfig, workerEnvSchema } from '@switchyard/server/internal';
import { BenchHandlersModule, benchEvents, parseHandlerSets, starts } from './catalog.js';
import { answerOverIpc } from './handler-starts.js';

async function main(): Promise<void> {
  const config = toWorkerConfig(loadConfig(workerEnvSchema, process.env));
  const app = await createWorkerApp({ config, events: benchEvents, handlers: [BenchHandlersModule.forSets(parseHandlerSets(process.env.BENCH_HANDLERS))] });
  closeOnSignals(app, () => undefined);
  answerOverIpc(starts);
  await app.init();
  process.send?.({ type: 'ready' });
  process.stdout.write(`bench worker ${config.switchyard.worker.id} ready\n`);
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
