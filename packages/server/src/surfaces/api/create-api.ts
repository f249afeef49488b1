import type { AddressInfo } from 'node:net';
import { assertServicesReachable } from '../../foundation/connections/preflight.js';
import { loadConfig } from '../../foundation/config/core-config.js';
import { type ApiConfig, apiEnvSchema, toApiConfig } from './api-config.js';
import { createApiApp } from './create-api-app.js';

/** What `createApi` takes. */
export interface CreateApiOptions {
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
 * Builds Switchyard's API: reads and validates the configuration (a
 * ConfigError names each bad variable) and checks that Redis and Postgres
 * answer (a ServiceUnreachableError names the URL tried and how to start the
 * service) before building anything. `switchyard api` runs it.
 *
 * The API holds no app code: it routes, validates and computes ordering keys
 * from the route registry, which workers fill as they start (docs/deploy.md,
 * "The route registry"). Until a worker has registered an event type, the
 * API answers 422 to it as to any unknown type.
 *
 * ```ts
 * const api = await createApi();
 * closeOnSignals(api);
 * console.log(`listening on ${await api.listen()}`);
 * ```
 */
export async function createApi(options: CreateApiOptions = {}): Promise<SwitchyardApi> {
  if ('app' in options) {
    throw new TypeError('createApi() takes no app: the API routes from the route registry, which workers fill (createWorker({ app })). Drop the `app` option.');
  }
  const config = toApiConfig(loadConfig(apiEnvSchema, options.env ?? process.env));
  await assertServicesReachable(config.switchyard);
  const app = await createApiApp({ config });
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
