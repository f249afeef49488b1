// The shop's API: Switchyard's, for the shop's module.
import 'reflect-metadata';
import { AppModuleError, closeOnSignals, ConfigError, createApi, loadConfig, ServiceUnreachableError } from '@switchyard/server';
import { commerceEnvSchema } from '../commerce-config.js';
import { ShopModule } from '../shop.module.js';

async function main(): Promise<void> {
  const api = await createApi({ app: ShopModule.forRoot(loadConfig(commerceEnvSchema, process.env)) });
  closeOnSignals(api);
  console.log(`Switchyard API listening on ${await api.listen()} (OpenAPI at /docs)`);
}

main().catch((error: Error) => {
  if (error instanceof ConfigError || error instanceof ServiceUnreachableError || error instanceof AppModuleError) console.error(error.message);
  else console.error(error);
  process.exit(1);
});
