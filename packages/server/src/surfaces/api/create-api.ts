import type { AddressInfo } from 'node:net';
import { type AppModule, appDeclarationIn } from '../../pipeline/app/app-declaration.js';
import { assertServicesReachable } from '../../foundation/connections/preflight.js';
import { loadConfig } from '../../foundation/config/core-config.js';
import { type ApiConfig, apiEnvSchema, toApiConfig } from './api-config.js';
import { createApiApp } from './create-api-app.js';

/** What `createApi` takes. */
export interface CreateApiOptions {
  /**
   * The app's root Nest module: it imports `SwitchyardModule.forRoot({ events })`
   * of @switchyard/core and the modules of its handlers. The API validates
   * events against the catalog and routes them to the handlers' queues; it
   * never runs a handler.
   */
  app: AppModule;
  /**
   * The environment the configuration is read from (DATABASE_URL, REDIS_URL,
   * PORT, HOST, AUTH_MODE, … as the README lists them). Default: process.env.
   */
  env?: Record<string, string | undefined>;
}

/** Switchyard's HTTP API for one app: built, connected, not yet listening. */
export interface SwitchyardApi {
  /** The configuration read from the environment. */
  readonly config: ApiConfig;
  /**
   * Listens on `port` and `host` (default PORT and HOST); resolves to the URL
   * it listens on. With AUTH_MODE=off it warns on stderr that any caller may
   * use the API.
   */
  listen(port?: number, host?: string): Promise<string>;
  /** Stops listening, lets requests in flight finish, and closes Postgres and Redis connections. */
  close(): Promise<void>;
}

/**
 * Builds Switchyard's API for `app`: reads and validates the configuration
 * (a ConfigError names each bad variable), reads the app's event catalog
 * (an AppModuleError says what the module lacks), and checks that Redis and
 * Postgres answer (a ServiceUnreachableError names the URL tried and how to
 * start the service) before building anything. `switchyard api` runs it.
 *
 * ```ts
 * const api = await createApi({ app: AppModule });
 * closeOnSignals(api);
 * console.log(`listening on ${await api.listen()}`);
 * ```
 */
export async function createApi(options: CreateApiOptions): Promise<SwitchyardApi> {
  const config = toApiConfig(loadConfig(apiEnvSchema, options.env ?? process.env));
  const { events } = appDeclarationIn(options.app);
  await assertServicesReachable(config.switchyard);
  const app = await createApiApp({ config, events, handlers: [options.app] });
  return {
    config,
    async listen(port = config.port, host = config.host) {
      await app.listen(port, host);
      if (config.security.authMode === 'off') {
        console.warn(
          '\n!!! AUTH_MODE=off: the API accepts every request without an API key. Development only; never expose this port.\n' +
            '!!! Create keys with `switchyard keys create --name <name> --scopes <scopes>` and unset AUTH_MODE.\n',
        );
      }
      const address = app.getHttpServer().address() as AddressInfo;
      return `http://${address.family === 'IPv6' ? `[${address.address}]` : address.address}:${address.port}`;
    },
    close: () => app.close(),
  };
}
