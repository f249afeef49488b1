import { Inject, Injectable, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import type { HandlerDefinition } from '@switchyard/core';
import { BackgroundLoop, exponentialBackoff } from '../../foundation/background/background-loop.js';
import { SWITCHYARD_CONFIG, type SwitchyardConfig } from '../../foundation/config/core-config.js';
import { type RegisteringWorker, type RouteRegistration, RoutesRepository } from '../../foundation/repositories/routes.repository.js';
import { canonicalJson, sha256 } from '../events/canonical-json.js';
import { HandlerRegistry } from '../handlers/handler-registry.js';

/**
 * A worker's handlers in the route registry: defined when the worker starts
 * (the last worker to start with a handler defines its route), and the
 * worker seen running them on every heartbeat (ROUTE_HEARTBEAT_MS). A worker
 * consuming some queues only (WORKER_QUEUES) registers their handlers only.
 * Nothing is removed when a worker stops: its routes stay, with the worker
 * last seen when it stopped.
 */
@Injectable()
export class RouteRegistrar implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly worker: RegisteringWorker;
  private loop: BackgroundLoop | undefined;

  constructor(
    private readonly registry: HandlerRegistry,
    private readonly routes: RoutesRepository,
    @Inject(SWITCHYARD_CONFIG) private readonly config: SwitchyardConfig,
  ) {
    this.worker = { workerId: config.worker.id, version: config.worker.version, startedAt: new Date() };
  }

  async onApplicationBootstrap(): Promise<void> {
    const registrations = this.registrations();
    if (registrations.length === 0) return;
    await this.routes.define(this.worker, registrations);
    const { heartbeatMs } = this.config.routes;
    let first = true;
    this.loop = new BackgroundLoop(
      async () => {
        // The first pass only waits: define() has just seen this worker.
        if (!first) await this.routes.heartbeat(this.worker, registrations);
        first = false;
        return heartbeatMs;
      },
      { name: 'Route heartbeat', retryDelayMs: exponentialBackoff(heartbeatMs) },
    );
    this.loop.start();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.loop?.stop();
    this.loop = undefined;
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

/** A handler's options as data: what the registry stores and compares (an ordering key path is; a function is only noted). */
export function declaredOptions(definition: HandlerDefinition): Record<string, unknown> {
  const { name: _name, queue: _queue, ordering, ...options } = definition;
  return { ...options, ordering: ordering ? { path: ordering.path, afterDeadLetter: ordering.afterDeadLetter } : null };
}
