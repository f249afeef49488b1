import { ApiKeyVerifier } from '../../../foundation/auth/api-key-verifier.js';
import { bearerToken } from '../../../foundation/auth/api-key-token.js';
import { isServiceUnavailable } from '../../../foundation/problems/unavailable.js';
import { problems } from '../../../foundation/problems/problem.js';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { sendProblem } from '../http/send-problem.js';
import { unauthorizedHeaders } from './scope.guard.js';

/**
 * Authenticates every request as it arrives, before its body is read: the
 * verified key (or why there is none) goes on `request.authentication` for
 * ScopeGuard, which decides per route. No public route takes a body, so a
 * request with a body and no valid key is refused here, without reading it.
 */
export function installAuthentication(fastify: FastifyInstance, verifier: ApiKeyVerifier, mode: 'keys' | 'off'): void {
  fastify.decorateRequest('authentication', null);
  fastify.addHook('onRequest', async (request: FastifyRequest, reply: FastifyReply) => {
    if (mode === 'off') {
      request.authentication = { state: 'off' };
      return;
    }
    const header = request.headers.authorization;
    const token = bearerToken(header);
    if (header === undefined) request.authentication = { state: 'missing' };
    else if (token === null) request.authentication = { state: 'invalid' };
    else {
      try {
        const verification = await verifier.verify(token);
        request.authentication = verification.ok ? { state: 'valid', principal: verification.principal } : { state: 'invalid' };
      } catch (error) {
        if (!isServiceUnavailable(error)) throw error;
        return sendProblem(reply, request, problems.unavailable('API keys cannot be checked: Postgres is unavailable. Retry shortly.'), { 'Retry-After': '5' });
      }
    }
    if (request.authentication.state !== 'valid' && carriesBody(request)) {
      const missing = request.authentication.state === 'missing';
      return sendProblem(
        reply,
        request,
        problems.unauthorized(missing ? 'Send an API key: Authorization: Bearer <token>' : 'The API key is not valid (unknown, revoked or malformed)'),
        unauthorizedHeaders(!missing),
      );
    }
  });
}

function carriesBody(request: FastifyRequest): boolean {
  const length = request.headers['content-length'];
  return (length !== undefined && length !== '0') || request.headers['transfer-encoding'] !== undefined;
}
