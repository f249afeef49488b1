// The API, as its own process, with the benchmark's routes registered first
// (as its worker would register them), so load can start before the worker
// has. Reads the same environment as the API. Keeps where each event's time
// went (ingest-stages.ts) for the latency scenario.
import 'reflect-metadata';
import { apiEnvSchema, createApiApp, toApiConfig } from '@switchyard/server/internal';
import { closeOnSignals, loadConfig, registerApp } from '@switchyard/server/internal';
import type { AddressInfo } from 'node:net';
import { BenchHandlersModule, benchEvents, parseHandlerSets } from './catalog.js';
import { ingestStageSummaries, recordIngestStages, resetIngestStages } from './ingest-stages.js';
import { pausesSummary, resetPauses, watchPauses } from './process-pauses.js';

async function main(): Promise<void> {
  recordIngestStages();
  watchPauses();
  const config = toApiConfig(loadConfig(apiEnvSchema, process.env));
  await registerApp({ config: config.switchyard, events: benchEvents, handlers: [BenchHandlersModule.forSets(parseHandlerSets(process.env.BENCH_HANDLERS))] });
  const app = await createApiApp({ config });
  closeOnSignals(app, () => undefined);
  // Over IPC: {type:'stages'} → where events' time went in this process, and its pauses; {type:'reset'} clears both.
  process.on('message', (message: { type: string; id?: number }) => {
    if (message.type === 'reset') {
      resetIngestStages();
      resetPauses();
    }
    if (message.type === 'stages' || message.type === 'reset') process.send?.({ type: 'reply', id: message.id, stages: ingestStageSummaries(), pauses: pausesSummary() });
  });
  await app.listen(config.port, config.host);
  const port = (app.getHttpServer().address() as AddressInfo).port;
  process.send?.({ type: 'ready', port });
  process.stdout.write(`bench api listening on ${config.host}:${port}\n`);
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
