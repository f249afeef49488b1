import { z } from 'zod';

/** The example domain's environment variables; the worker and API validate them with their own. */
export const commerceEnvSchema = z.object({
  PAYMENT_FAILURE_RATE: z.coerce.number().min(0).max(1).default(0),
  PAYMENT_TIMEOUT_MS: z.coerce.number().int().min(1).max(600_000).default(200),
  // The shop's tables live in Switchyard's database (schema `shop`), so its
  // client connects where Switchyard does, with a pool as large as Switchyard's.
  DATABASE_URL: z.url().default('postgresql://postgres@127.0.0.1:5432/switchyard'),
  DATABASE_POOL_SIZE: z.coerce.number().int().min(1).max(500).default(10),
});

export type CommerceEnv = z.infer<typeof commerceEnvSchema>;
