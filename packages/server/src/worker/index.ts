export { createWorkerApp } from './create-worker-app.js';
export { createWorker } from './create-worker.js';
export type { CreateWorkerOptions, SwitchyardWorker } from './create-worker.js';
export { withWorkerArgs } from './worker-args.js';
export { MetricsServer } from './metrics-server.js';
export { WorkerModule } from './worker.module.js';
export type { WorkerModuleOptions } from './worker.module.js';
export { toWorkerConfig, workerEnvSchema } from './worker-config.js';
export type { WorkerConfig, WorkerEnv } from './worker-config.js';
