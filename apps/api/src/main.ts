import 'reflect-metadata';
import { CommerceModule } from '@switchyard/commerce';
import { commerceEvents } from '@switchyard/contracts';
import { assertServicesReachable, closeOnSignals, ConfigError, loadConfig, ServiceUnreachableError } from '@switchyard/core';
import { apiEnvSchema, toApiConfig } from './api-config.js';
import { createApiApp } from './create-api-app.js';

async function main(): Promise<void> {
  const config = toApiConfig(loadConfig(apiEnvSchema, process.env));
  await assertServicesReachable(config.switchyard);
  const app = await createApiApp({ config, events: commerceEvents, handlers: [CommerceModule.forRoot(config.env)] });
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
