// The API with the benchmark's catalog and handlers (routing only; it runs
// none), as its own process. Reads the same environment as the API.
import 'reflect-metadata';
import { apiEnvSchema, createApiApp, toApiConfig } from '@switchyard/server/internal';
import { closeOnSignals, loadConfig } from '@switchyard/server/internal';
import type { AddressInfo } from 'node:net';
import { BenchHandlersModule, benchEvents, parseHandlerSets } from './catalog.js';

async function main(): Promise<void> {
  const config = toApiConfig(loadConfig(apiEnvSchema, process.env));
  const app = await createApiApp({ config, events: benchEvents, handlers: [BenchHandlersModule.forSets(parseHandlerSets(process.env.BENCH_HANDLERS))] });
  closeOnSignals(app, () => undefined);
  await app.listen(config.port, config.host);
  const port = (app.getHttpServer().address() as AddressInfo).port;
  process.send?.({ type: 'ready', port });
  process.stdout.write(`bench api listening on ${config.host}:${port}\n`);
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
