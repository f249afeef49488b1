import { Injectable } from '@nestjs/common';
import { PrismaService, ReadPrismaService, type TransactionClient } from '../../db/index.js';

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
  jsonSchema: Record<string, unknown>;
  schemaHash: string;
}

/** What an API routes and validates with: the routes in service and the event types, as of `revision`. */
export interface RegistryContents {
  revision: string;
  routes: Array<{ handler: string; queue: string; definition: Record<string, unknown> }>;
  types: EventTypeDeclaration[];
}

/** A route an operator retired. */
export interface RetiredRoute {
  handler: string;
  queue: string;
  version: string;
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

const TYPES_INPUT = `SELECT * FROM jsonb_to_recordset($1::jsonb) AS x(type text, json_schema jsonb, schema_hash text) ORDER BY type`;

// Wraps a write that returns a row per change: the registry's revision moves
// on when (and only when) it changed something, so APIs reload on their next poll.
const bumpingRevision = (write: string) => `
WITH changed AS (${write} RETURNING 1)
INSERT INTO switchyard.registry_revision AS r (id, revision) SELECT true, 1 WHERE EXISTS (SELECT 1 FROM changed)
ON CONFLICT (id) DO UPDATE SET revision = r.revision + 1, changed_at = now()`;

// A worker starting defines its handlers' routes: during a rolling deploy
// the last worker to start with a handler wins, and `updated_at` says when
// a definition last changed. Starting with a retired handler is deploying
// it again: the route comes back.
const DEFINE_ROUTES_SQL = bumpingRevision(`
INSERT INTO switchyard.routes AS r (handler, queue, definition, definition_hash, version)
SELECT handler, queue, definition, definition_hash, $2 FROM (${INPUT}) input
ON CONFLICT (handler) DO UPDATE
  SET queue = excluded.queue, definition = excluded.definition, definition_hash = excluded.definition_hash,
      version = excluded.version, updated_at = now(), retired_at = NULL, retired_by = NULL
  WHERE (r.definition_hash, r.version, r.queue) IS DISTINCT FROM (excluded.definition_hash, excluded.version, excluded.queue)
     OR r.retired_at IS NOT NULL`);

// A heartbeat only puts back a route that is missing; it never redefines one,
// nor brings back one an operator retired (its row stays as a tombstone).
const RESTORE_ROUTES_SQL = bumpingRevision(`
INSERT INTO switchyard.routes (handler, queue, definition, definition_hash, version)
SELECT handler, queue, definition, definition_hash, $2 FROM (${INPUT}) input
ON CONFLICT (handler) DO NOTHING`);

// The same two rules for event types: the last worker to start declaring a
// type gives the schema the API validates it with; a heartbeat only restores.
const DEFINE_TYPES_SQL = bumpingRevision(`
INSERT INTO switchyard.event_types AS t (type, json_schema, schema_hash, version)
SELECT type, json_schema, schema_hash, $2 FROM (${TYPES_INPUT}) input
ON CONFLICT (type) DO UPDATE
  SET json_schema = excluded.json_schema, schema_hash = excluded.schema_hash, version = excluded.version, updated_at = now()
  WHERE (t.schema_hash, t.version) IS DISTINCT FROM (excluded.schema_hash, excluded.version)`);

const RESTORE_TYPES_SQL = bumpingRevision(`
INSERT INTO switchyard.event_types (type, json_schema, schema_hash, version)
SELECT type, json_schema, schema_hash, $2 FROM (${TYPES_INPUT}) input
ON CONFLICT (type) DO NOTHING`);

const RETIRE_SQL = `
WITH retired AS (
  UPDATE switchyard.routes SET retired_at = now(), retired_by = $2
  WHERE handler = $1 AND retired_at IS NULL
  RETURNING handler, queue, version
), bumped AS (
  INSERT INTO switchyard.registry_revision AS r (id, revision) SELECT true, 1 WHERE EXISTS (SELECT 1 FROM retired)
  ON CONFLICT (id) DO UPDATE SET revision = r.revision + 1, changed_at = now()
)
SELECT handler, queue, version FROM retired`;

const SEEN_SQL = `
INSERT INTO switchyard.route_workers AS w (handler, worker_id, version, definition_hash, started_at, last_seen_at)
SELECT handler, $3, $2, definition_hash, $4::timestamptz, now() FROM (${INPUT}) input
ON CONFLICT (handler, worker_id) DO UPDATE
  SET version = excluded.version, definition_hash = excluded.definition_hash, started_at = excluded.started_at, last_seen_at = now()`;

const SCHEMAS_SEEN_SQL = `
INSERT INTO switchyard.event_type_schemas AS s (type, worker_id, version, json_schema, schema_hash, last_seen_at)
SELECT type, $2, $3, json_schema, schema_hash, now() FROM (${TYPES_INPUT}) input
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
      for (const statement of this.statements({ routes: DEFINE_ROUTES_SQL, types: DEFINE_TYPES_SQL }, worker, routes, types)) await tx.$executeRawUnsafe(statement.sql, ...statement.values);
      return [];
    });
  }

  /**
   * On a worker's heartbeat: it is seen running each handler and declaring
   * each type; a route or type missing meanwhile (not retired: gone) is put
   * back as it declares it.
   */
  async heartbeat(worker: RegisteringWorker, routes: RouteRegistration[], types: EventTypeDeclaration[]): Promise<void> {
    const statements = this.statements({ routes: RESTORE_ROUTES_SQL, types: RESTORE_TYPES_SQL }, worker, routes, types);
    await this.prisma.$transaction(statements.map((statement) => this.prisma.$executeRawUnsafe(statement.sql, ...statement.values)));
  }

  /**
   * An operator retires `handler`'s route, in `tx` (with its audit row):
   * events stop fanning out to it. Null when no route of that name is in
   * service. Its row stays, so heartbeats of workers still running it do not
   * bring it back; a worker that starts with it does.
   */
  async retire(tx: TransactionClient, handler: string, actor: string): Promise<RetiredRoute | null> {
    const rows = await tx.$queryRawUnsafe<RetiredRoute[]>(RETIRE_SQL, handler, actor);
    return rows[0] ?? null;
  }

  /** The registry's revision: it moves on whenever routes or event types change ('0' before anything registered). */
  async revision(): Promise<string> {
    const rows = await this.prisma.$queryRaw<Array<{ revision: bigint }>>`SELECT revision FROM switchyard.registry_revision`;
    return String(rows[0]?.revision ?? 0n);
  }

  /**
   * The routes in service and the event types, from the primary (a replica
   * could serve an API routes older than its revision says). The revision is
   * read first: a change landing between the reads shows as a newer revision
   * on the next poll, and is read again then.
   */
  async contents(): Promise<RegistryContents> {
    const revision = await this.revision();
    const [routes, types] = await Promise.all([
      this.prisma.route.findMany({ where: { retiredAt: null }, orderBy: { handler: 'asc' }, select: { handler: true, queue: true, definition: true } }),
      this.prisma.eventType.findMany({ orderBy: { type: 'asc' }, select: { type: true, jsonSchema: true, schemaHash: true } }),
    ]);
    return {
      revision,
      routes: routes.map((route) => ({ ...route, definition: route.definition as Record<string, unknown> })),
      types: types.map((type) => ({ ...type, jsonSchema: type.jsonSchema as Record<string, unknown> })),
    };
  }

  /** A worker stopping: it declares no event type any more, so another schema may come in at once. */
  async withdraw(workerId: string): Promise<void> {
    await this.prisma.$executeRaw`DELETE FROM switchyard.event_type_schemas WHERE worker_id = ${workerId}`;
  }

  /** Every route in service, by handler, with its workers (most recently seen first), from the read replica. */
  async list(): Promise<RegisteredRoute[]> {
    const routes = await this.read.route.findMany({
      where: { retiredAt: null },
      orderBy: { handler: 'asc' },
      omit: { retiredAt: true, retiredBy: true },
      include: { workers: { orderBy: { lastSeenAt: 'desc' } } },
    });
    return routes.map(({ workers, definition, ...route }) => ({
      ...route,
      definition: definition as Record<string, unknown>,
      workers: workers.map(({ handler: _handler, ...worker }) => worker),
    }));
  }

  /** The statements that write a worker's routes and types (with `sql`'s), its presence and its declarations. */
  private statements(sql: { routes: string; types: string }, worker: RegisteringWorker, routes: RouteRegistration[], types: EventTypeDeclaration[]): Array<{ sql: string; values: unknown[] }> {
    const input = JSON.stringify(routes.map((route) => ({ handler: route.handler, queue: route.queue, definition: route.definition, definition_hash: route.definitionHash })));
    const declared = JSON.stringify(types.map((type) => ({ type: type.type, json_schema: type.jsonSchema, schema_hash: type.schemaHash })));
    return [
      ...(routes.length === 0
        ? []
        : [
            { sql: sql.routes, values: [input, worker.version] },
            { sql: SEEN_SQL, values: [input, worker.version, worker.workerId, worker.startedAt.toISOString()] },
          ]),
      ...(types.length === 0
        ? []
        : [
            { sql: SCHEMAS_SEEN_SQL, values: [declared, worker.workerId, worker.version] },
            { sql: sql.types, values: [declared, worker.version] },
          ]),
    ];
  }
}
