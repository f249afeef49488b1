import { Injectable } from '@nestjs/common';
import { PrismaService, ReadPrismaService } from '../../db/index.js';

/** One handler as a worker registers it. */
export interface RouteRegistration {
  handler: string;
  queue: string;
  /** The handler's options as the routing table needs them (JSON). */
  definition: Record<string, unknown>;
  /** A hash of `definition`: two workers with the same hash run the handler the same way. */
  definitionHash: string;
}

/** The worker registering, and since when it runs. */
export interface RegisteringWorker {
  workerId: string;
  version: string;
  startedAt: Date;
}

/** A worker running a registered handler. */
export interface RouteWorkerRecord {
  workerId: string;
  version: string;
  definitionHash: string;
  startedAt: Date;
  lastSeenAt: Date;
}

/** A registered handler, with the workers that run it. */
export interface RegisteredRoute {
  handler: string;
  queue: string;
  definition: Record<string, unknown>;
  definitionHash: string;
  /** The version of the worker whose definition this is. */
  version: string;
  registeredAt: Date;
  updatedAt: Date;
  workers: RouteWorkerRecord[];
}

// In handler order, so two workers registering at once lock the same rows in the same order.
const INPUT = `SELECT * FROM jsonb_to_recordset($1::jsonb) AS x(handler text, queue text, definition jsonb, definition_hash text) ORDER BY handler`;

// A worker starting defines its handlers' routes: during a rolling deploy
// the last worker to start with a handler wins, and `updated_at` says when
// a definition last changed.
const DEFINE_ROUTES_SQL = `
INSERT INTO switchyard.routes AS r (handler, queue, definition, definition_hash, version)
SELECT handler, queue, definition, definition_hash, $2 FROM (${INPUT}) input
ON CONFLICT (handler) DO UPDATE
  SET queue = excluded.queue, definition = excluded.definition, definition_hash = excluded.definition_hash,
      version = excluded.version, updated_at = now()
  WHERE (r.definition_hash, r.version, r.queue) IS DISTINCT FROM (excluded.definition_hash, excluded.version, excluded.queue)`;

// A heartbeat only puts back a route that is missing; it never redefines one.
const RESTORE_ROUTES_SQL = `
INSERT INTO switchyard.routes (handler, queue, definition, definition_hash, version)
SELECT handler, queue, definition, definition_hash, $2 FROM (${INPUT}) input
ON CONFLICT (handler) DO NOTHING`;

const SEEN_SQL = `
INSERT INTO switchyard.route_workers AS w (handler, worker_id, version, definition_hash, started_at, last_seen_at)
SELECT handler, $3, $2, definition_hash, $4::timestamptz, now() FROM (${INPUT}) input
ON CONFLICT (handler, worker_id) DO UPDATE
  SET version = excluded.version, definition_hash = excluded.definition_hash, started_at = excluded.started_at, last_seen_at = now()`;

/** The route registry: the handlers workers run, and which workers run each now. */
@Injectable()
export class RoutesRepository {
  constructor(
    private readonly prisma: PrismaService,
    private readonly read: ReadPrismaService,
  ) {}

  /** At a worker's start: its definitions become the routes', and it is seen running each. */
  async define(worker: RegisteringWorker, routes: RouteRegistration[]): Promise<void> {
    await this.write(DEFINE_ROUTES_SQL, worker, routes);
  }

  /** On a worker's heartbeat: it is seen running each handler; a route removed meanwhile is put back as it declares it. */
  async heartbeat(worker: RegisteringWorker, routes: RouteRegistration[]): Promise<void> {
    await this.write(RESTORE_ROUTES_SQL, worker, routes);
  }

  /** Every registered route, by handler, with its workers (most recently seen first), from the read replica. */
  async list(): Promise<RegisteredRoute[]> {
    const routes = await this.read.route.findMany({ orderBy: { handler: 'asc' }, include: { workers: { orderBy: { lastSeenAt: 'desc' } } } });
    return routes.map(({ workers, definition, ...route }) => ({
      ...route,
      definition: definition as Record<string, unknown>,
      workers: workers.map(({ handler: _handler, ...worker }) => worker),
    }));
  }

  private async write(routesSql: string, worker: RegisteringWorker, routes: RouteRegistration[]): Promise<void> {
    if (routes.length === 0) return;
    const input = JSON.stringify(routes.map((route) => ({ handler: route.handler, queue: route.queue, definition: route.definition, definition_hash: route.definitionHash })));
    const values = [input, worker.version, worker.workerId, worker.startedAt.toISOString()];
    await this.prisma.$transaction([this.prisma.$executeRawUnsafe(routesSql, ...values.slice(0, 2)), this.prisma.$executeRawUnsafe(SEEN_SQL, ...values)]);
  }
}
