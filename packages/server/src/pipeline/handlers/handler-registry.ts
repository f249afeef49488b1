import { Injectable, Logger, OnModuleInit } from '@nestjs/common';
import { DiscoveryService } from '@nestjs/core';
import type { Handler, HandlerDefinition, RateLimit } from '@switchyard/core';
import { compileTopicPattern, handlerDefinitionOf, type TopicMatcher } from '@switchyard/core/platform';

export interface RegisteredHandler {
  definition: HandlerDefinition;
  instance: Handler;
  matches: TopicMatcher;
}

/** The settings of one queue, agreed by every handler on it. */
export interface QueueSettings {
  name: string;
  handlers: string[];
  concurrency: number;
  rateLimit: RateLimit | null;
}

/** What a queue runs at once per worker when no handler on it says. */
export const DEFAULT_CONCURRENCY = 10;

/**
 * Finds every `@EventHandler` provider in the app at startup and refuses to
 * start when two share a name or handlers on one queue disagree on its
 * settings: such mistakes must not surface as jobs silently going nowhere.
 */
@Injectable()
export class HandlerRegistry implements OnModuleInit {
  private readonly logger = new Logger(HandlerRegistry.name);
  private readonly byName = new Map<string, RegisteredHandler>();
  private readonly queueSettings = new Map<string, QueueSettings>();

  constructor(private readonly discovery: DiscoveryService) {}

  onModuleInit(): void {
    for (const wrapper of this.discovery.getProviders()) {
      const type = wrapper.metatype;
      if (!type || typeof type !== 'function') continue;
      const definition = handlerDefinitionOf(type);
      if (!definition) continue;
      const instance = wrapper.instance as Handler | undefined;
      if (!instance || typeof instance.handle !== 'function') {
        throw new Error(`@EventHandler("${definition.name}") on ${type.name} needs a handle(event, ctx) method`);
      }
      this.add(definition, instance, type.name);
    }
    this.buildQueueSettings();
    this.logger.log(`${this.byName.size} handlers on ${this.queueSettings.size} queues`);
  }

  private add(definition: HandlerDefinition, instance: Handler, className: string): void {
    const existing = this.byName.get(definition.name);
    if (existing && existing.instance !== instance) {
      throw new Error(
        `Two handlers are named "${definition.name}" (${existing.instance.constructor.name} and ${className}); handler names must be unique`,
      );
    }
    const matchers = definition.patterns.map(compileTopicPattern);
    this.byName.set(definition.name, {
      definition,
      instance,
      matches: (eventType) => matchers.some((matches) => matches(eventType)),
    });
  }

  private buildQueueSettings(): void {
    const byQueue = new Map<string, HandlerDefinition[]>();
    for (const definition of this.definitions()) {
      byQueue.set(definition.queue, [...(byQueue.get(definition.queue) ?? []), definition]);
    }
    for (const [queue, definitions] of byQueue) {
      const agreed = <T>(setting: string, values: T[]): T | null => {
        const distinct = [...new Map(values.map((value) => [JSON.stringify(value), value])).values()];
        if (distinct.length > 1) {
          throw new Error(
            `Handlers ${definitions.map((d) => d.name).join(', ')} share queue "${queue}" but declare different ` +
              `${setting} (${distinct.map((value) => JSON.stringify(value)).join(' vs ')}); declare it on one of them or make them agree`,
          );
        }
        return distinct[0] ?? null;
      };
      this.queueSettings.set(queue, {
        name: queue,
        handlers: definitions.map((definition) => definition.name),
        concurrency:
          agreed('concurrency', definitions.flatMap((d) => (d.concurrency === null ? [] : [d.concurrency]))) ??
          DEFAULT_CONCURRENCY,
        rateLimit: agreed('rateLimit', definitions.flatMap((d) => (d.rateLimit ? [d.rateLimit] : []))),
      });
    }
  }

  definitions(): HandlerDefinition[] {
    return [...this.byName.values()].map((handler) => handler.definition);
  }

  get(name: string): RegisteredHandler | undefined {
    return this.byName.get(name);
  }

  /** Handlers subscribed to `eventType`, in name order so fan-out is deterministic. */
  subscribersOf(eventType: string): HandlerDefinition[] {
    return [...this.byName.values()]
      .filter((handler) => handler.matches(eventType))
      .map((handler) => handler.definition)
      .sort((a, b) => a.name.localeCompare(b.name));
  }

  queues(): QueueSettings[] {
    return [...this.queueSettings.values()];
  }
}
