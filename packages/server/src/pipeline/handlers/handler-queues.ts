import type { Type } from '@nestjs/common';
import { handlerDefinitionOf } from '@switchyard/core/platform';
import { type ModuleImport, walkModules } from '../app/module-tree.js';

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
  walkModules(modules, ({ providers }) => {
    for (const provider of providers) {
      const handlerClass = typeof provider === 'function' ? provider : (provider as { useClass?: Type }).useClass;
      const definition = handlerClass && handlerDefinitionOf(handlerClass);
      if (definition) queues.add(definition.queue);
    }
  });
  return [...queues].sort();
}
