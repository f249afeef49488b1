import type { DynamicModule, ForwardReference, Provider, Type } from '@nestjs/common';
import { MODULE_METADATA } from '@nestjs/common/constants.js';

/** What a module's `imports` may hold. */
export type ModuleImport = Type | DynamicModule | Promise<DynamicModule> | ForwardReference;

/** One module of a tree, with what its decorator and its dynamic form declare together. */
export interface ModuleNode {
  type: Type;
  providers: Provider[];
}

/**
 * Calls `visit` on every module of the trees rooted at `modules`, each once,
 * reading the @Module metadata and dynamic-module fields Nest will read, before
 * Nest builds anything. Modules imported as promises are skipped: only Nest's
 * scanner awaits them.
 */
export function walkModules(modules: ModuleImport[], visit: (node: ModuleNode) => void): void {
  const visited = new Set<unknown>();
  const walk = (entry: ModuleImport | undefined): void => {
    if (!entry || entry instanceof Promise || visited.has(entry)) return;
    visited.add(entry);
    if ('forwardRef' in entry) return walk(entry.forwardRef());
    const dynamic = 'module' in entry ? entry : null;
    const type = dynamic ? dynamic.module : (entry as Type);
    const metadata = <T>(key: string): T[] => Reflect.getMetadata(key, type) ?? [];
    visit({ type, providers: [...metadata<Provider>(MODULE_METADATA.PROVIDERS), ...(dynamic?.providers ?? [])] });
    for (const imported of [...metadata<ModuleImport>(MODULE_METADATA.IMPORTS), ...(dynamic?.imports ?? [])]) walk(imported as ModuleImport);
  };
  for (const module of modules) walk(module);
}
