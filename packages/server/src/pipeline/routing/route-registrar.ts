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
import { HandlerRegistry } from '../handlers/handler-registry.js';

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
  ) {
    this.worker = { workerId: config.worker.id, version: config.worker.version, startedAt: new Date() };
  }

  async onApplicationBootstrap(): Promise<void> {
    const registrations = this.registrations();
    const types = declaredTypes(this.catalog);
    if (registrations.length === 0 && types.length === 0) return;
    const { heartbeatMs } = this.config.routes;
    const conflicts = await this.routes.define(this.worker, registrations, types, MISSED_HEARTBEATS * heartbeatMs);
    if (conflicts.length > 0) throw new Error(conflictMessage(this.worker, conflicts));
    let first = true;
    this.loop = new BackgroundLoop(
      async () => {
        // The first pass only waits: define() has just seen this worker.
        if (!first) await this.routes.heartbeat(this.worker, registrations, types);
        first = false;
        return heartbeatMs;
      },
      { name: 'Route heartbeat', retryDelayMs: exponentialBackoff(heartbeatMs) },
    );
    this.loop.start();
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

/** The catalog's event types with the JSON Schema of their data (Standard JSON Schema), hashed to compare. */
export function declaredTypes(catalog: EventCatalog): EventTypeDeclaration[] {
  return Object.entries(catalog)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([type, schema]) => {
      const jsonSchema = jsonSchemaOf(schema);
      return { type, jsonSchema, schemaHash: jsonSchema ? sha256(canonicalJson(jsonSchema)).slice(0, 16) : 'none' };
    });
}

function jsonSchemaOf(schema: unknown): Record<string, unknown> | null {
  const converter = (schema as { '~standard'?: { jsonSchema?: { input(options: { target: string }): Record<string, unknown> } } })['~standard']?.jsonSchema;
  if (!converter) return null;
  try {
    return converter.input({ target: 'draft-2020-12' });
  } catch {
    return null; // a schema JSON Schema cannot express (a transform, a custom check): registered without one
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

/** A handler's options as data: what the registry stores and compares (an ordering key path is; a function is only noted). */
export function declaredOptions(definition: HandlerDefinition): Record<string, unknown> {
  const { name: _name, queue: _queue, ordering, ...options } = definition;
  return { ...options, ordering: ordering ? { path: ordering.path, afterDeadLetter: ordering.afterDeadLetter } : null };
}
