// @switchyard/server: the API and the worker, as libraries and bins.
export { apiEnvSchema, toApiConfig } from './api/api-config.js';
export type { ApiConfig, ApiEnv } from './api/api-config.js';
export { createApiApp } from './api/create-api-app.js';
export { createHandlerContext } from './platform/runner/handler-context.factory.js';
export { createWorkerApp } from './worker/create-worker-app.js';
export { toWorkerConfig, workerEnvSchema } from './worker/worker-config.js';
export type { WorkerConfig, WorkerEnv } from './worker/worker-config.js';
export { withWorkerArgs } from './worker/worker-args.js';
export { assertServicesReachable, ServiceUnreachableError } from './platform/connections/preflight.js';
export { closeOnSignals } from './platform/connections/shutdown.js';
export { ConfigError, loadConfig } from './platform/config/core-config.js';
export { applyMigrations, ensureDatabase, migrateSwitchyard, SWITCHYARD_SCHEMA } from './db/migrations.js';
