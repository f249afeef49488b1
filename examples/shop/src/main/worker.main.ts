// The shop's worker: Switchyard's, running the shop's handlers. `--queues a,b`
// limits it to those queues, as `switchyard worker --queues` does.
import 'reflect-metadata';
import { AppModuleError, closeOnSignals, ConfigError, createWorker, loadConfig, ServiceUnreachableError, withWorkerArgs } from '@switchyard/server';
import { commerceEnvSchema } from '../commerce-config.js';
import { ShopModule } from '../shop.module.js';

async function main(): Promise<void> {
  const env = withWorkerArgs(process.env, process.argv.slice(2));
  const worker = await createWorker({ app: ShopModule.forRoot(loadConfig(commerceEnvSchema, env)), env });
  // SIGTERM/SIGINT: stop taking jobs, let in-flight ones finish (WORKER_SHUTDOWN_GRACE_MS), close connections.
  closeOnSignals(worker);
  await worker.init();
  console.log(`Switchyard worker ${worker.config.switchyard.worker.id} ready`);
}

main().catch((error: Error) => {
  if (error instanceof ConfigError || error instanceof ServiceUnreachableError || error instanceof AppModuleError) console.error(error.message);
  else console.error(error);
  process.exit(1);
});
