import { commerceEnvSchema } from '@switchyard/commerce';
import { coreEnvSchema, type SwitchyardConfig, toSwitchyardConfig } from '@switchyard/core';
import { z } from 'zod';

/** Every variable the API reads: the platform's, the example domain's, and where to listen. */
export const apiEnvSchema = coreEnvSchema.extend(commerceEnvSchema.shape).extend({
  PORT: z.coerce.number().int().min(0).max(65_535).default(3000),
  HOST: z.string().min(1).default('0.0.0.0'),
});

export type ApiEnv = z.infer<typeof apiEnvSchema>;

export interface ApiConfig {
  env: ApiEnv;
  switchyard: SwitchyardConfig;
  port: number;
  host: string;
}

export function toApiConfig(env: ApiEnv): ApiConfig {
  return { env, switchyard: toSwitchyardConfig(env), port: env.PORT, host: env.HOST };
}
