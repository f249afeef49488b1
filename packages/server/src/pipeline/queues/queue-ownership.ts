import { getQueueToken } from '@nestjs/bullmq';
import { Inject, Injectable, OnModuleInit, type Type } from '@nestjs/common';
import { DiscoveryService, ModulesContainer } from '@nestjs/core';
import type { InstanceWrapper } from '@nestjs/core/injector/instance-wrapper.js';
import type { Module } from '@nestjs/core/injector/module.js';
import { HandlerRegistry } from '../handlers/handler-registry.js';
import { BULL_QUEUES, type BullQueues } from './bull-queues.js';
import { QueueRegistry } from './queue-registry.js';

/**
 * The metadata keys @nestjs/bullmq's `@Processor` and `@QueueEventsListener`
 * write (its PROCESSOR_METADATA and QUEUE_EVENTS_LISTENER_METADATA, which the
 * package does not export; queue-ownership.spec.ts pins them).
 */
export const PROCESSOR_METADATA = 'bullmq:processor_metadata';
export const QUEUE_EVENTS_LISTENER_METADATA = 'bullmq:queue_events_listener_metadata';

interface ProcessorMetadata {
  name?: string;
}

interface QueueEventsListenerMetadata {
  queueName?: string;
  queueEventsOptions?: { connection?: unknown };
}

/**
 * Switchyard's queues are Switchyard's to consume. At startup, before
 * @nestjs/bullmq starts any worker (both modules are global, and Nest runs
 * global modules' init hooks in the order it met them: PlatformModule
 * before the BullModule it imports), refuses an app where something beside
 * the handlers would take or shadow their jobs: a `@Processor` on one of
 * their queues would run jobs without retries, the idempotency guard or the
 * dead letters, and a second `BullModule.registerQueue` of one would inject
 * a Queue that, on Redis Cluster, has another key prefix. Listening
 * (`@QueueEventsListener`) takes no job and stays allowed, on a connection
 * of its own: Switchyard's must not block.
 */
@Injectable()
export class QueueOwnership implements OnModuleInit {
  constructor(
    private readonly discovery: DiscoveryService,
    private readonly modules: ModulesContainer,
    private readonly handlers: HandlerRegistry,
    private readonly queues: QueueRegistry,
    @Inject(BULL_QUEUES) private readonly registered: BullQueues,
  ) {}

  onModuleInit(): void {
    const ours = new Set(this.handlers.queues().map((queue) => queue.name));
    const byToken = new Map([...ours].map((name) => [getQueueToken(name), name]));
    const problems: string[] = [];
    for (const wrapper of this.discovery.getProviders()) {
      const type = classOf(wrapper);
      const processor: ProcessorMetadata | undefined = type && Reflect.getMetadata(PROCESSOR_METADATA, type);
      if (type && processor?.name !== undefined && ours.has(processor.name)) problems.push(this.processorProblem(processor.name, type));
      const listener: QueueEventsListenerMetadata | undefined = type && Reflect.getMetadata(QUEUE_EVENTS_LISTENER_METADATA, type);
      if (type && listener?.queueName !== undefined && ours.has(listener.queueName) && !listener.queueEventsOptions?.connection) {
        problems.push(this.listenerProblem(listener.queueName, type));
      }
      const shadowed = typeof wrapper.token === 'string' ? byToken.get(wrapper.token) : undefined;
      if (shadowed !== undefined && wrapper.instance !== this.registered.get(shadowed)) problems.push(this.registrationProblem(shadowed, wrapper));
    }
    if (problems.length) throw new Error(problems.join('\n'));
  }

  private processorProblem(queue: string, type: Type): string {
    return (
      `@Processor('${queue}') on ${type.name} would take jobs from Switchyard's queue "${queue}" and bypass retries, ` +
      `idempotency and the dead-letter queue; write an @EventHandler({ on: …, queue: '${queue}' }) class instead`
    );
  }

  private listenerProblem(queue: string, type: Type): string {
    return (
      `@QueueEventsListener('${queue}') on ${type.name} would block on Switchyard's shared Redis connection, which must ` +
      `fail fast and so cannot block; give the listener a connection of its own: @QueueEventsListener('${queue}', { connection: … })`
    );
  }

  private registrationProblem(queue: string, wrapper: InstanceWrapper): string {
    const where = this.importersOf(wrapper.host).join(', ') || 'a module';
    return (
      `BullModule.registerQueue({ name: '${queue}' }) in ${where} makes a second Queue for Switchyard's queue "${queue}", ` +
      `which on Redis Cluster has another key prefix than Switchyard's ("${this.queues.prefixOf(queue)}"); remove it: ` +
      `Switchyard registers its queues with @nestjs/bullmq, so @InjectQueue('${queue}') already injects the real one`
    );
  }

  /** The modules that import `module` (the BullModule a registerQueue call made), by class name. */
  private importersOf(module: Module | undefined): string[] {
    if (!module) return [];
    return [...this.modules.values()].filter((candidate) => !candidate.isGlobal && candidate.imports.has(module)).map((candidate) => candidate.metatype.name);
  }
}

/**
 * The class a provider is an instance of, as @nestjs/bullmq's explorer finds
 * it: a useValue or useFactory provider's is its instance's constructor.
 */
function classOf(wrapper: InstanceWrapper): Type | undefined {
  const type = !wrapper.metatype || wrapper.inject ? (wrapper.instance as object | undefined)?.constructor : wrapper.metatype;
  return typeof type === 'function' ? (type as Type) : undefined;
}
