// @switchyard/server: Switchyard's API and worker for a team's app, as
// functions (createApi, createWorker) and as the `switchyard` command.
// What is exported here is documented and covered by semver; everything else
// is internal.
export { createApi } from './surfaces/api/create-api.js';
export type { CreateApiOptions, SwitchyardApi } from './surfaces/api/create-api.js';
export type { ApiConfig, ApiEnv } from './surfaces/api/api-config.js';
export { createWorker } from './surfaces/worker/create-worker.js';
export type { CreateWorkerOptions, SwitchyardWorker } from './surfaces/worker/create-worker.js';
export type { WorkerConfig, WorkerEnv } from './surfaces/worker/worker-config.js';
export { withWorkerArgs } from './surfaces/worker/worker-args.js';
export type { AppModule } from './pipeline/app/app-declaration.js';
export { AppModuleError } from './pipeline/app/app-declaration.js';
export { ConfigError, loadConfig } from './foundation/config/core-config.js';
export type { CoreEnv, RedisNode, SwitchyardConfig } from './foundation/config/core-config.js';
export { ServiceUnreachableError } from './foundation/connections/preflight.js';
export { closeOnSignals } from './foundation/connections/shutdown.js';
export { applyMigrations, ensureDatabase, migrateSwitchyard, SWITCHYARD_SCHEMA } from './db/migrations.js';
export { createHandlerContext } from './pipeline/runner/handler-context.factory.js';
