import { applyDecorators, SetMetadata } from '@nestjs/common';
import { ApiBearerAuth, ApiExtension, ApiResponse } from '@nestjs/swagger';
import type { Scope } from '../../../foundation/auth/scopes.js';

export const ROUTE_ACCESS = 'switchyard:route-access';

/** Who may call a route: anyone, or keys holding `scope` (admin holds them all). */
export type RouteAccess = { public: true } | { scope: Scope; publicIfMetricsPublic?: boolean };

const problem = { $ref: '#/components/schemas/Problem' };

function requiring(access: RouteAccess & { scope: Scope }) {
  return applyDecorators(
    SetMetadata(ROUTE_ACCESS, access),
    ApiBearerAuth(),
    // Read by the authorization matrix test: every documented route says what it needs.
    ApiExtension('x-required-scope', access.scope),
    ApiResponse({ status: 401, description: 'No API key, or not a valid one', schema: problem }),
    ApiResponse({ status: 403, description: `The key lacks the ${access.scope} scope`, schema: problem }),
  );
}

/** The route needs a key with `scope`. Every route says this or @Public(); the API refuses to start otherwise. */
export const RequireScope = (scope: Scope) => requiring({ scope });

/** /metrics: `ops:read`, unless METRICS_PUBLIC=true lets a Prometheus without a key scrape it. */
export const MetricsScope = () => requiring({ scope: 'ops:read', publicIfMetricsPublic: true });

/** The route needs no key (health probes). */
export const Public = () => applyDecorators(SetMetadata(ROUTE_ACCESS, { public: true }), ApiExtension('x-required-scope', 'public'));
