import { Injectable } from '@nestjs/common';
import { PrismaService, ReadPrismaService } from '../../db/index.js';

/** A worker that has missed this many heartbeats in a row counts as offline. */
export const MISSED_HEARTBEATS = 3;

/** One handler as a worker registers it. */
export interface RouteRegistration {
  handler: string;
  queue: string;
  /** The handler's options as the routing table needs them (JSON). */
  definition: Record<string, unknown>;
  /** A hash of `definition`: two workers with the same hash run the handler the same way. */
  definitionHash: string;
}

/** An event type a worker declares, with the JSON Schema of its data. */
export interface EventTypeDeclaration {
  type: string;
  /** Null when the catalog's schema library gives none. */
  jsonSchema: Record<string, unknown> | null;
  schemaHash: string;
}

/** An online worker that declares an event type with another schema. */
export interface SchemaConflict {
  type: string;
  workerId: string;
  version: string;
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

const SCHEMAS_SEEN_SQL = `
INSERT INTO switchyard.event_type_schemas AS s (type, worker_id, version, json_schema, schema_hash, last_seen_at)
SELECT type, $2, $3, json_schema, schema_hash, now()
FROM jsonb_to_recordset($1::jsonb) AS x(type text, json_schema jsonb, schema_hash text) ORDER BY type
ON CONFLICT (type, worker_id) DO UPDATE
  SET version = excluded.version, json_schema = excluded.json_schema, schema_hash = excluded.schema_hash, last_seen_at = now()`;

// Registrations take turns, so two workers starting at once with different
// schemas for one type cannot both find the other absent.
const REGISTRATION_LOCK_SQL = "SELECT pg_advisory_xact_lock(hashtext('switchyard.route-registry')) IS NULL AS locked";

// Other workers seen within `$3` ms that declare one of these types with another schema.
const SCHEMA_CONFLICTS_SQL = `
SELECT s.type, s.worker_id, s.version
FROM switchyard.event_type_schemas s
JOIN jsonb_to_recordset($1::jsonb) AS x(type text, schema_hash text) ON x.type = s.type
WHERE s.worker_id <> $2 AND s.schema_hash <> x.schema_hash AND s.last_seen_at > now() - make_interval(secs => $3::double precision / 1000)
ORDER BY s.type, s.worker_id`;

/** The route registry: the handlers workers run, and which workers run each now. */
@Injectable()
export class RoutesRepository {
  constructor(
    private readonly prisma: PrismaService,
    private readonly read: ReadPrismaService,
  ) {}

  /**
   * At a worker's start: unless a worker seen within `onlineWithinMs`
   * declares one of its event types with another schema (then nothing is
   * written, and the conflicts are returned), its event types are recorded,
   * its definitions become the routes', and it is seen running each.
   */
  async define(worker: RegisteringWorker, routes: RouteRegistration[], types: EventTypeDeclaration[], onlineWithinMs: number): Promise<SchemaConflict[]> {
    return this.prisma.$transaction(async (tx) => {
      await tx.$queryRawUnsafe(REGISTRATION_LOCK_SQL);
      const hashes = JSON.stringify(types.map((type) => ({ type: type.type, schema_hash: type.schemaHash })));
      const conflicts = await tx.$queryRawUnsafe<Array<{ type: string; worker_id: string; version: string }>>(SCHEMA_CONFLICTS_SQL, hashes, worker.workerId, onlineWithinMs);
      if (conflicts.length > 0) return conflicts.map((row) => ({ type: row.type, workerId: row.worker_id, version: row.version }));
      for (const statement of this.statements(DEFINE_ROUTES_SQL, worker, routes, types)) await tx.$executeRawUnsafe(statement.sql, ...statement.values);
      return [];
    });
  }

  /** On a worker's heartbeat: it is seen running each handler and declaring each type; a route removed meanwhile is put back as it declares it. */
  async heartbeat(worker: RegisteringWorker, routes: RouteRegistration[], types: EventTypeDeclaration[]): Promise<void> {
    await this.prisma.$transaction(this.statements(RESTORE_ROUTES_SQL, worker, routes, types).map((statement) => this.prisma.$executeRawUnsafe(statement.sql, ...statement.values)));
  }

  /** A worker stopping: it declares no event type any more, so another schema may come in at once. */
  async withdraw(workerId: string): Promise<void> {
    await this.prisma.$executeRaw`DELETE FROM switchyard.event_type_schemas WHERE worker_id = ${workerId}`;
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

  /** The statements that write a worker's routes (with `routesSql`), its presence and its event types. */
  private statements(routesSql: string, worker: RegisteringWorker, routes: RouteRegistration[], types: EventTypeDeclaration[]): Array<{ sql: string; values: unknown[] }> {
    const input = JSON.stringify(routes.map((route) => ({ handler: route.handler, queue: route.queue, definition: route.definition, definition_hash: route.definitionHash })));
    const declared = JSON.stringify(types.map((type) => ({ type: type.type, json_schema: type.jsonSchema, schema_hash: type.schemaHash })));
    return [
      ...(routes.length === 0
        ? []
        : [
            { sql: routesSql, values: [input, worker.version] },
            { sql: SEEN_SQL, values: [input, worker.version, worker.workerId, worker.startedAt.toISOString()] },
          ]),
      ...(types.length === 0 ? [] : [{ sql: SCHEMAS_SEEN_SQL, values: [declared, worker.workerId, worker.version] }]),
    ];
  }
}
