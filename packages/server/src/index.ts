// @switchyard/server: Switchyard's API and worker for a team's app, as
// functions (createApi, createWorker) and as the `switchyard` command.
// What is exported here is documented and covered by semver; everything else
// is internal.
export { createApi } from './api/create-api.js';
export type { CreateApiOptions, SwitchyardApi } from './api/create-api.js';
export type { ApiConfig, ApiEnv } from './api/api-config.js';
export { createWorker } from './worker/create-worker.js';
export type { CreateWorkerOptions, SwitchyardWorker } from './worker/create-worker.js';
export type { WorkerConfig, WorkerEnv } from './worker/worker-config.js';
export { withWorkerArgs } from './worker/worker-args.js';
export type { AppModule } from './platform/app/app-declaration.js';
export { AppModuleError } from './platform/app/app-declaration.js';
export { ConfigError, loadConfig } from './platform/config/core-config.js';
export type { CoreEnv, RedisNode, SwitchyardConfig } from './platform/config/core-config.js';
export { ServiceUnreachableError } from './platform/connections/preflight.js';
export { closeOnSignals } from './platform/connections/shutdown.js';
export { applyMigrations, ensureDatabase, migrateSwitchyard, SWITCHYARD_SCHEMA } from './db/migrations.js';
export { createHandlerContext } from './platform/runner/handler-context.factory.js';
