import { coreEnvSchema, type SwitchyardConfig, toSwitchyardConfig } from '../../foundation/config/core-config.js';
import { z } from 'zod';

/** Every variable a worker reads: the platform's and where to serve metrics. */
export const workerEnvSchema = coreEnvSchema.extend({
  METRICS_PORT: z.coerce.number().int().min(0).max(65_535).default(9464),
  METRICS_HOST: z.string().min(1).default('0.0.0.0'),
});

/** A worker's environment, validated: every variable with its default filled in. */
export type WorkerEnv = z.infer<typeof workerEnvSchema>;

/** A worker's typed configuration, derived from its environment (`SwitchyardWorker.config`). */
export interface WorkerConfig {
  env: WorkerEnv;
  switchyard: SwitchyardConfig;
}

export function toWorkerConfig(env: WorkerEnv): WorkerConfig {
  return { env, switchyard: toSwitchyardConfig(env) };
}
