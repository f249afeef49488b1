// @switchyard/server: the API and the worker, as libraries and bins.
export { apiEnvSchema, toApiConfig } from './surfaces/api/api-config.js';
export type { ApiConfig, ApiEnv } from './surfaces/api/api-config.js';
export { createApiApp } from './surfaces/api/create-api-app.js';
export { createWorkerApp } from './surfaces/worker/create-worker-app.js';
export { toWorkerConfig, workerEnvSchema } from './surfaces/worker/worker-config.js';
export type { WorkerConfig, WorkerEnv } from './surfaces/worker/worker-config.js';
export { withWorkerArgs } from './surfaces/worker/worker-args.js';
export { assertServicesReachable, ServiceUnreachableError } from './foundation/connections/preflight.js';
export { closeOnSignals } from './foundation/connections/shutdown.js';
export { ConfigError, loadConfig } from './foundation/config/core-config.js';
