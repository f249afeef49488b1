import type { DynamicModule, ForwardReference, Type } from '@nestjs/common';
import { MODULE_METADATA } from '@nestjs/common/constants.js';
import { EVENT_HANDLER_METADATA, type HandlerDefinition } from '@switchyard/core/internal';

/** What a module's `imports` may hold. */
export type ModuleImport = Type | DynamicModule | Promise<DynamicModule> | ForwardReference;

/**
 * The queues of the @EventHandler classes that `modules` (and the modules
 * they import) provide, read from their metadata before Nest builds the app.
 * Providers must be declared before Nest resolves anything, and
 * HandlerRegistry discovers the handlers only once it has: this is how
 * Switchyard can register its queues with @nestjs/bullmq up front. It finds
 * what HandlerRegistry will find (class and useClass providers), except in
 * modules imported as promises, which only Nest's scanner awaits.
 */
export function handlerQueuesIn(modules: ModuleImport[]): string[] {
  const queues = new Set<string>();
  const visited = new Set<unknown>();
  const visit = (entry: ModuleImport | undefined): void => {
    if (!entry || entry instanceof Promise || visited.has(entry)) return;
    visited.add(entry);
    if ('forwardRef' in entry) return visit(entry.forwardRef());
    const dynamic = 'module' in entry ? entry : null;
    const type = dynamic ? dynamic.module : (entry as Type);
    const metadata = (key: string): unknown[] => Reflect.getMetadata(key, type) ?? [];
    for (const provider of [...metadata(MODULE_METADATA.PROVIDERS), ...(dynamic?.providers ?? [])]) {
      const handlerClass = typeof provider === 'function' ? provider : (provider as { useClass?: Type }).useClass;
      const definition: HandlerDefinition | undefined = handlerClass && Reflect.getMetadata(EVENT_HANDLER_METADATA, handlerClass);
      if (definition) queues.add(definition.queue);
    }
    for (const imported of [...metadata(MODULE_METADATA.IMPORTS), ...(dynamic?.imports ?? [])]) visit(imported as ModuleImport);
  };
  for (const module of modules) visit(module);
  return [...queues].sort();
}
