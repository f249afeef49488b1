import { Inject, Injectable } from '@nestjs/common';
import type { RouteInfo, RouteRegistrationInfo } from '@switchyard/core/contracts';
import { SWITCHYARD_CONFIG, type SwitchyardConfig } from '../../../foundation/config/core-config.js';
import { MISSED_HEARTBEATS, type RegisteredRoute, RoutesRepository } from '../../../foundation/repositories/routes.repository.js';
import { RoutingTable } from '../../../pipeline/routing/routing-table.js';

/** GET /v1/routes: the routing table, each route with what the route registry holds for it. */
@Injectable()
export class RouteListing {
  constructor(
    private readonly routing: RoutingTable,
    private readonly routes: RoutesRepository,
    @Inject(SWITCHYARD_CONFIG) private readonly config: SwitchyardConfig,
  ) {}

  async list(): Promise<RouteInfo[]> {
    const registered = new Map((await this.routes.list()).map((route) => [route.handler, route]));
    const now = Date.now();
    return this.routing.describe().map((route) => {
      const registration = registered.get(route.handler);
      return { ...route, registration: registration ? this.describe(registration, now) : null };
    });
  }

  /** Workers online per registered handler, for the Prometheus gauge. */
  async workersOnline(): Promise<Map<string, number>> {
    const now = Date.now();
    return new Map((await this.routes.list()).map((route) => [route.handler, this.describe(route, now).workersOnline]));
  }

  private describe(route: RegisteredRoute, now: number): RouteRegistrationInfo {
    const onlineSince = now - MISSED_HEARTBEATS * this.config.routes.heartbeatMs;
    const workers = route.workers.map((worker) => ({
      workerId: worker.workerId,
      version: worker.version,
      startedAt: worker.startedAt.toISOString(),
      lastSeenAt: worker.lastSeenAt.toISOString(),
      online: worker.lastSeenAt.getTime() >= onlineSince,
      sameOptions: worker.definitionHash === route.definitionHash,
    }));
    return {
      version: route.version,
      registeredAt: route.registeredAt.toISOString(),
      updatedAt: route.updatedAt.toISOString(),
      workersOnline: workers.filter((worker) => worker.online).length,
      workers,
    };
  }
}
