import { commerceEnvSchema } from '@switchyard/commerce';
import { coreEnvSchema, type SwitchyardConfig, toSwitchyardConfig } from '@switchyard/core';
import type { z } from 'zod';

/** Every variable a worker reads: the platform's and the example domain's. */
export const workerEnvSchema = coreEnvSchema.extend(commerceEnvSchema.shape);

export type WorkerEnv = z.infer<typeof workerEnvSchema>;

export interface WorkerConfig {
  env: WorkerEnv;
  switchyard: SwitchyardConfig;
}

export function toWorkerConfig(env: WorkerEnv): WorkerConfig {
  return { env, switchyard: toSwitchyardConfig(env) };
}
