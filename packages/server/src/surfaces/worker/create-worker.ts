import { type AppModule, appDeclarationIn } from '../../pipeline/app/app-declaration.js';
import { assertServicesReachable } from '../../foundation/connections/preflight.js';
import { loadConfig } from '../../foundation/config/core-config.js';
import { createWorkerApp } from './create-worker-app.js';
import { toWorkerConfig, type WorkerConfig, workerEnvSchema } from './worker-config.js';

/** What `createWorker` takes. */
export interface CreateWorkerOptions {
  /**
   * The app's root Nest module: it imports `SwitchyardModule.forRoot({ events })`
   * of @switchyard/core and the modules of its handlers, which this worker runs.
   */
  app: AppModule;
  /**
   * The environment the configuration is read from (DATABASE_URL, REDIS_URL,
   * WORKER_QUEUES, METRICS_PORT, … as the README lists them). Default: process.env.
   */
  env?: Record<string, string | undefined>;
  /**
   * The queues this worker consumes, in place of WORKER_QUEUES. Unset or
   * empty: every queue the app's handlers use. A name no handler uses
   * refuses to start, listing the known queues.
   */
  queues?: string[];
}

/** A Switchyard worker for one app: built, connected, not yet consuming. */
export interface SwitchyardWorker {
  /** The configuration read from the environment. */
  readonly config: WorkerConfig;
  /**
   * Starts the worker: registers the app's routes and code-declared
   * schedules, serves metrics and health probes on METRICS_PORT, and starts
   * consuming its queues. Resolves once it does.
   */
  init(): Promise<void>;
  /**
   * Stops taking jobs, lets jobs in flight finish within
   * WORKER_SHUTDOWN_GRACE_MS (hands the rest back to their queues), and
   * closes connections.
   */
  close(): Promise<void>;
}

/**
 * Builds a Switchyard worker for `app`: reads and validates the
 * configuration (a ConfigError names each bad variable), reads the app's
 * declaration (an AppModuleError says what the module lacks), and checks
 * that Redis and Postgres answer (a ServiceUnreachableError names the URL
 * tried and how to start the service) before building anything.
 * `switchyard worker` runs it.
 *
 * ```ts
 * const worker = await createWorker({ app: AppModule, queues: ['billing'] });
 * closeOnSignals(worker);
 * await worker.init();
 * ```
 */
export async function createWorker(options: CreateWorkerOptions): Promise<SwitchyardWorker> {
  const env = options.env ?? process.env;
  const queues = options.queues?.length ? { WORKER_QUEUES: options.queues.join(',') } : {};
  const config = toWorkerConfig(loadConfig(workerEnvSchema, { ...env, ...queues }));
  const { events, transactions } = appDeclarationIn(options.app);
  // Workers serve no console reads: the replica, if any, is the API's to check.
  await assertServicesReachable({ ...config.switchyard, databaseReadUrl: null });
  const app = await createWorkerApp({ config, events, handlers: [options.app], transactions });
  return { config, init: async () => void (await app.init()), close: () => app.close() };
}
