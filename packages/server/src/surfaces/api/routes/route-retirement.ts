import { Injectable } from '@nestjs/common';
import type { RetiredRouteInfo } from '@switchyard/core/contracts';
import { PrismaService } from '../../../db/index.js';
import { AuditLog } from '../../../foundation/audit/audit-log.js';
import { ProblemError, problems } from '../../../foundation/problems/problem.js';
import { RoutesRepository } from '../../../foundation/repositories/routes.repository.js';
import { RouteBook } from '../../../pipeline/routing/route-book.js';

/**
 * DELETE /v1/routes/{handler}: an operator retires a route, audited in the
 * same transaction. Events stop fanning out to it: at once on this API, and
 * on the others within ROUTES_REFRESH_MS. Jobs already in its queue stay
 * there (a worker still running the handler runs them). Heartbeats of such
 * workers do not bring the route back; a worker starting with the handler
 * does, as deploying it again.
 */
@Injectable()
export class RouteRetirement {
  constructor(
    private readonly prisma: PrismaService,
    private readonly routes: RoutesRepository,
    private readonly audit: AuditLog,
    private readonly book: RouteBook,
  ) {}

  async retire(handler: string, actor: string): Promise<RetiredRouteInfo> {
    const retired = await this.prisma.$transaction(async (tx) => {
      const route = await this.routes.retire(tx, handler, actor);
      if (route) await this.audit.record(tx, { actor, action: 'route.retire', target: `route:${handler}`, detail: { queue: route.queue, version: route.version } });
      return route;
    });
    if (!retired) throw new ProblemError(problems.notFound(`No route of handler ${JSON.stringify(handler)} is in service (GET /v1/routes lists them)`));
    await this.book.refresh();
    return { ...retired, retiredBy: actor };
  }
}
