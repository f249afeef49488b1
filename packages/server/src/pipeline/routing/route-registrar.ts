import { Inject, Injectable, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import type { HandlerDefinition } from '@switchyard/core';
import { BackgroundLoop, exponentialBackoff } from '../../foundation/background/background-loop.js';
import { SWITCHYARD_CONFIG, type SwitchyardConfig } from '../../foundation/config/core-config.js';
import {
  type EventTypeDeclaration,
  MISSED_HEARTBEATS,
  type RegisteringWorker,
  type RouteRegistration,
  RoutesRepository,
  type SchemaConflict,
} from '../../foundation/repositories/routes.repository.js';
import { canonicalJson, sha256 } from '../events/canonical-json.js';
import { EVENT_CATALOG, type EventCatalog } from '../events/event-catalog.js';
import { jsonSchemaValidator } from '../events/json-schema.js';
import { HandlerRegistry } from '../handlers/handler-registry.js';
import { RouteBook } from './route-book.js';

/**
 * A worker's handlers in the route registry: defined when the worker starts
 * (the last worker to start with a handler defines its route), and the
 * worker seen running them on every heartbeat (ROUTE_HEARTBEAT_MS). A worker
 * consuming some queues only (WORKER_QUEUES) registers their handlers only.
 * Nothing is removed when a worker stops: its routes stay, with the worker
 * last seen when it stopped.
 *
 * With its handlers it declares its catalog's event types and the JSON
 * Schema of their data. A worker whose schema for a type differs from the
 * one a worker online declares does not start: during a deploy, change an
 * event's schema with a new type (`order.placed.v2`), or after the workers
 * with the old one have stopped.
 */
@Injectable()
export class RouteRegistrar implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly worker: RegisteringWorker;
  private loop: BackgroundLoop | undefined;

  constructor(
    private readonly registry: HandlerRegistry,
    private readonly routes: RoutesRepository,
    @Inject(SWITCHYARD_CONFIG) private readonly config: SwitchyardConfig,
    @Inject(EVENT_CATALOG) private readonly catalog: EventCatalog,
    private readonly book: RouteBook,
  ) {
    this.worker = { workerId: config.worker.id, version: config.worker.version, startedAt: new Date() };
  }

  async onApplicationBootstrap(): Promise<void> {
    const registered = await this.register();
    if (!registered) return;
    const { heartbeatMs } = this.config.routes;
    let first = true;
    this.loop = new BackgroundLoop(
      async () => {
        // The first pass only waits: register() has just seen this worker.
        if (!first) await this.routes.heartbeat(this.worker, registered.routes, registered.types);
        first = false;
        return heartbeatMs;
      },
      { name: 'Route heartbeat', retryDelayMs: exponentialBackoff(heartbeatMs) },
    );
    this.loop.start();
  }

  /**
   * Defines this worker's routes and event types in the registry (throwing
   * on a schema conflict), and reloads this process's RouteBook so its emits
   * route with them. Undefined when it has nothing to register.
   */
  async register(): Promise<{ routes: RouteRegistration[]; types: EventTypeDeclaration[] } | undefined> {
    const routes = this.registrations();
    const types = declaredTypes(this.catalog);
    if (routes.length === 0 && types.length === 0) return undefined;
    const conflicts = await this.routes.define(this.worker, routes, types, MISSED_HEARTBEATS * this.config.routes.heartbeatMs);
    if (conflicts.length > 0) throw new Error(conflictMessage(this.worker, conflicts));
    await this.book.refresh();
    return { routes, types };
  }

  async onApplicationShutdown(): Promise<void> {
    if (!this.loop) return;
    await this.loop.stop();
    this.loop = undefined;
    // Its routes stay (their events keep waiting in their queues); its event types go with it.
    await this.routes.withdraw(this.worker.workerId).catch(() => undefined);
  }

  private registrations(): RouteRegistration[] {
    const queues = new Set(this.config.worker.queues);
    return this.registry
      .definitions()
      .filter((definition) => queues.size === 0 || queues.has(definition.queue))
      .map((definition) => {
        const declared = declaredOptions(definition);
        return { handler: definition.name, queue: definition.queue, definition: declared, definitionHash: sha256(canonicalJson(declared)).slice(0, 16) };
      });
  }
}

/**
 * The catalog's event types with the JSON Schema of their data (Standard
 * JSON Schema), hashed to compare. The API validates producers' events with
 * these, so a type whose schema gives none, or one that does not compile,
 * stops the worker here with the type named.
 */
export function declaredTypes(catalog: EventCatalog): EventTypeDeclaration[] {
  return Object.entries(catalog)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([type, schema]) => {
      const jsonSchema = jsonSchemaOf(type, schema);
      const schemaHash = sha256(canonicalJson(jsonSchema)).slice(0, 16);
      try {
        // Compiled now (and kept by hash), so this process's RouteBook finds it compiled.
        jsonSchemaValidator(jsonSchema, schemaHash);
      } catch (error) {
        refuse(type, `its JSON Schema does not compile (${(error as Error).message})`);
      }
      return { type, jsonSchema, schemaHash };
    });
}

function refuse(type: string, why: string): never {
  throw new Error(`Event type "${type}": ${why}. The API validates producers' events with the JSON Schema workers register (docs/deploy.md, "The route registry").`);
}

function jsonSchemaOf(type: string, schema: unknown): Record<string, unknown> {
  const converter = (schema as { '~standard'?: { jsonSchema?: { input(options: { target: string }): Record<string, unknown> } } })['~standard']?.jsonSchema;
  if (!converter) return refuse(type, 'its schema library gives no JSON Schema for it (the Standard JSON Schema interface, `~standard.jsonSchema`, which zod 4 implements)');
  try {
    return converter.input({ target: 'draft-2020-12' });
  } catch (error) {
    return refuse(type, `its schema has a part JSON Schema cannot express (${(error as Error).message}); express it with types, ranges and patterns, and check the rest in the handler`);
  }
}

function conflictMessage(worker: RegisteringWorker, conflicts: SchemaConflict[]): string {
  const byType = conflicts.map((conflict) => `"${conflict.type}" (worker ${conflict.workerId}, version ${conflict.version})`);
  return (
    `Worker ${worker.workerId} (version ${worker.version}) declares the data schema of ${[...new Set(conflicts.map((c) => `"${c.type}"`))].join(', ')} ` +
    `differently from workers online: ${byType.join(', ')}. Workers that run at the same time must agree on an event's schema: ` +
    'give a changed schema a new event type (order.placed.v2), or start this version once the others have stopped (docs/deploy.md, "The route registry").'
  );
}

/** A handler's options as data: what the registry stores and compares. */
export function declaredOptions(definition: HandlerDefinition): Record<string, unknown> {
  const { name: _name, queue: _queue, ordering, ...options } = definition;
  return { ...options, ordering: ordering ? { path: ordering.path, afterDeadLetter: ordering.afterDeadLetter } : null };
}
