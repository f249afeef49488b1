import 'reflect-metadata';
import { commerceEnvSchema } from '../commerce-config.js';
import { CommerceModule } from '../commerce.module.js';
import { commerceEvents } from '../events/index.js';
import { ShopDatabase } from '../shop-database.js';
import { assertServicesReachable, closeOnSignals, ConfigError, loadConfig, ServiceUnreachableError } from '@switchyard/server';
import { apiEnvSchema, toApiConfig } from '@switchyard/server';
import { createApiApp } from '@switchyard/server';

async function main(): Promise<void> {
  const config = toApiConfig(loadConfig(apiEnvSchema, process.env));
  await assertServicesReachable(config.switchyard);
  // The API routes to the shop's handlers but runs none: their client connects only if used.
  const shop = new ShopDatabase({ url: config.switchyard.databaseUrl, poolSize: 1 });
  const app = await createApiApp({ config, events: commerceEvents, handlers: [CommerceModule.forRoot(loadConfig(commerceEnvSchema, process.env), shop)] });
  closeOnSignals(app);
  await app.listen(config.port, config.host);
  console.log(`Switchyard API listening on http://${config.host}:${config.port} (OpenAPI at /docs)`);
  if (config.security.authMode === 'off') {
    console.warn(
      '\n!!! AUTH_MODE=off: the API accepts every request without an API key. Development only; never expose this port.\n' +
        '!!! Create keys with `npm run keys -- create --name <name> --scopes <scopes>` and unset AUTH_MODE.\n',
    );
  }
}

main().catch((error: Error) => {
  if (error instanceof ConfigError || error instanceof ServiceUnreachableError) console.error(error.message);
  else console.error(error);
  process.exit(1);
});
