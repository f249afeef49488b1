import { actorFrom } from '../../../foundation/audit/audit-log.js';
import type { Principal } from '../../../foundation/auth/api-key-verifier.js';
import type { Producer } from '../../../foundation/auth/ingest-rate-limiter.js';
import type { FastifyRequest } from 'fastify';

/** What authentication found on a request (set by the onRequest hook, read by ScopeGuard). */
export type Authentication =
  | { state: 'off' }
  | { state: 'missing' }
  | { state: 'invalid' }
  | { state: 'valid'; principal: Principal };

declare module 'fastify' {
  interface FastifyRequest {
    authentication: Authentication | null;
  }
}

/** The verified key of a request, or null (AUTH_MODE=off). */
export function principalOf(request: FastifyRequest): Principal | null {
  return request.authentication?.state === 'valid' ? request.authentication.principal : null;
}

/** Who acts, for the audit trail (see actorFrom). */
export function actorOf(request: FastifyRequest): string {
  return actorFrom(request.headers, principalOf(request));
}

/** The producer of an ingest request: its key's id and rate limit (none with AUTH_MODE=off). */
export function producerOf(request: FastifyRequest): Producer | undefined {
  const principal = principalOf(request);
  return principal ? { keyId: principal.keyId, rateLimitPerSec: principal.rateLimitPerSec } : undefined;
}
