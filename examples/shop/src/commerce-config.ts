import { z } from 'zod';

/** The example domain's environment variables; the worker and API validate them with their own. */
export const commerceEnvSchema = z.object({
  PAYMENT_FAILURE_RATE: z.coerce.number().min(0).max(1).default(0),
  PAYMENT_TIMEOUT_MS: z.coerce.number().int().min(1).max(600_000).default(200),
});

export type CommerceEnv = z.infer<typeof commerceEnvSchema>;
