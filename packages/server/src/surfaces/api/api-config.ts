import { coreEnvSchema, type SwitchyardConfig, toSwitchyardConfig } from '../../foundation/config/core-config.js';
import { z } from 'zod';

/** Every variable the API reads: the platform's and where to listen. */
export const apiEnvSchema = coreEnvSchema.extend({
  PORT: z.coerce.number().int().min(0).max(65_535).default(3000),
  HOST: z.string().min(1).default('0.0.0.0'),
  AUTH_MODE: z.enum(['keys', 'off']).default('keys'),
  METRICS_PUBLIC: z.stringbool().default(false),
  API_MAX_BODY_BYTES: z.coerce.number().int().min(1024).max(64 * 1024 * 1024).default(64 * 1024),
  CORS_ORIGINS: z
    .string()
    .default('')
    .transform((value, ctx) => {
      const origins = value.split(',').map((origin) => origin.trim()).filter(Boolean);
      for (const origin of origins) {
        let parsed: URL | null = null;
        try {
          parsed = new URL(origin);
        } catch {}
        if (!parsed || !['http:', 'https:'].includes(parsed.protocol) || parsed.origin !== origin) {
          ctx.addIssue({ code: 'custom', message: `"${origin}" is not an origin such as https://console.example.com (scheme, host, optional port; no path)` });
        }
      }
      return origins;
    }),
});

/** The API's environment, validated: every variable with its default filled in. */
export type ApiEnv = z.infer<typeof apiEnvSchema>;

/** The API's typed configuration, derived from its environment (`SwitchyardApi.config`). */
export interface ApiConfig {
  env: ApiEnv;
  switchyard: SwitchyardConfig;
  port: number;
  host: string;
  security: {
    /** `keys`: every route but /health/* needs an API key; `off`: development only, announced at startup. */
    authMode: 'keys' | 'off';
    /** Serve /metrics without a key (for a Prometheus that cannot send one). */
    metricsPublic: boolean;
    /** Largest body of a request that is not ingest. */
    maxBodyBytes: number;
    /** Browser origins allowed to call the API (CORS); none by default. */
    corsOrigins: string[];
  };
}

/** The injection token of the ApiConfig. */
export const API_CONFIG = Symbol('API_CONFIG');

export function toApiConfig(env: ApiEnv): ApiConfig {
  return {
    env,
    switchyard: toSwitchyardConfig(env),
    port: env.PORT,
    host: env.HOST,
    security: { authMode: env.AUTH_MODE, metricsPublic: env.METRICS_PUBLIC, maxBodyBytes: env.API_MAX_BODY_BYTES, corsOrigins: env.CORS_ORIGINS },
  };
}
