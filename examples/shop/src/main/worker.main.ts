import 'reflect-metadata';
import { commerceEnvSchema } from '../commerce-config.js';
import { CommerceModule } from '../commerce.module.js';
import { commerceEvents } from '../events/index.js';
import { ShopDatabase } from '../shop-database.js';
import { prismaTransactions } from '@switchyard/core/prisma';
import { assertServicesReachable, closeOnSignals, ConfigError, loadConfig, ServiceUnreachableError } from '@switchyard/server';
import { createWorkerApp } from '@switchyard/server';
import { withWorkerArgs } from '@switchyard/server';
import { toWorkerConfig, workerEnvSchema } from '@switchyard/server';

async function main(): Promise<void> {
  const config = toWorkerConfig(loadConfig(workerEnvSchema, withWorkerArgs(process.env, process.argv.slice(2))));
  // Workers serve no console reads: the replica, if any, is the API's to check.
  await assertServicesReachable({ ...config.switchyard, databaseReadUrl: null });
  // The shop's tables live in Switchyard's database (schema `shop`): its handlers' effects, the
  // guard row and the events they emit commit in one transaction of the shop's own client.
  const shop = new ShopDatabase({ url: config.switchyard.databaseUrl, poolSize: config.switchyard.databasePoolSize });
  const app = await createWorkerApp({
    config,
    events: commerceEvents,
    handlers: [CommerceModule.forRoot(loadConfig(commerceEnvSchema, process.env), shop)],
    transactions: prismaTransactions(shop),
  });
  // SIGTERM/SIGINT: stop taking jobs, let in-flight ones finish (WORKER_SHUTDOWN_GRACE_MS), close connections.
  closeOnSignals(app);
  await app.init();
  console.log(`Switchyard worker ${config.switchyard.worker.id} ready`);
}

main().catch((error: Error) => {
  if (error instanceof ConfigError || error instanceof ServiceUnreachableError) console.error(error.message);
  else console.error(error);
  process.exit(1);
});
