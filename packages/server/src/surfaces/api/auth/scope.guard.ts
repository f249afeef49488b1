import { type CanActivate, type ExecutionContext, Inject, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { grants } from '../../../foundation/auth/scopes.js';
import { ProblemError, problems } from '../../../foundation/problems/problem.js';
import type { FastifyRequest } from 'fastify';
import { API_CONFIG, type ApiConfig } from '../api-config.js';
import { ROUTE_ACCESS, type RouteAccess } from './route-access.js';

/** The WWW-Authenticate challenge of a 401 (RFC 6750). */
export function unauthorizedHeaders(invalidToken: boolean): Record<string, string> {
  return { 'WWW-Authenticate': invalidToken ? 'Bearer realm="switchyard", error="invalid_token"' : 'Bearer realm="switchyard"' };
}

/**
 * Lets a request reach its route only with a key holding the route's scope
 * (see RequireScope): 401 without a valid key, 403 without the scope. The
 * key itself was checked on arrival (installAuthentication).
 */
@Injectable()
export class ScopeGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    @Inject(API_CONFIG) private readonly config: ApiConfig,
  ) {}

  canActivate(context: ExecutionContext): boolean {
    const access = this.reflector.getAllAndOverride<RouteAccess | undefined>(ROUTE_ACCESS, [context.getHandler(), context.getClass()]);
    // RouteAccessAudit refuses to start without one; this keeps a slip closed.
    if (!access) throw new ProblemError(problems.forbidden('This route declares no scope'));
    const { security } = this.config;
    if ('public' in access || security.authMode === 'off' || (access.publicIfMetricsPublic && security.metricsPublic)) return true;
    const authentication = context.switchToHttp().getRequest<FastifyRequest>().authentication;
    if (authentication?.state !== 'valid') {
      const missing = authentication?.state !== 'invalid';
      throw new ProblemError(
        problems.unauthorized(missing ? 'Send an API key: Authorization: Bearer <token>' : 'The API key is not valid (unknown, revoked or malformed)'),
        unauthorizedHeaders(!missing),
      );
    }
    const { principal } = authentication;
    if (!grants(principal.scopes, access.scope)) {
      throw new ProblemError(problems.forbidden(`Key "${principal.name}" has ${principal.scopes.join(', ')}; this needs ${access.scope} (or admin)`), {
        'WWW-Authenticate': `Bearer realm="switchyard", error="insufficient_scope", scope="${access.scope}"`,
      });
    }
    return true;
  }
}
