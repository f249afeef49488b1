import type { DynamicModule, Type } from '@nestjs/common';
import type { SwitchyardModuleOptions } from '@switchyard/core';
import { SWITCHYARD_OPTIONS } from '@switchyard/core/platform';
import { walkModules } from './module-tree.js';

/** An app's root module: a module class, or what its `forRoot()` returns. */
export type AppModule = Type | DynamicModule;

/** The app module given to Switchyard cannot run: the message says what to change. */
export class AppModuleError extends Error {
  override readonly name = 'AppModuleError';
}

/**
 * What `app` declares with `SwitchyardModule.forRoot` of @switchyard/core,
 * read from its module tree before Nest builds it (the API needs the catalog
 * for its OpenAPI document, the worker its queues, up front). The app must
 * import that module exactly once, or the same options each time.
 */
export function appDeclarationIn(app: AppModule): SwitchyardModuleOptions {
  const isClass = typeof app === 'function';
  const isDynamic = app !== null && typeof app === 'object' && typeof (app as DynamicModule).module === 'function';
  if (!isClass && !isDynamic) {
    throw new AppModuleError(`The app must be a Nest module (a class with @Module(), or what a module's forRoot() returns); got ${describe(app)}`);
  }
  const name = isClass ? app.name : (app as DynamicModule).module.name;
  const found = new Set<SwitchyardModuleOptions>();
  walkModules([app], ({ providers }) => {
    for (const provider of providers) {
      if (typeof provider === 'object' && provider !== null && 'provide' in provider && provider.provide === SWITCHYARD_OPTIONS && 'useValue' in provider) {
        found.add(provider.useValue as SwitchyardModuleOptions);
      }
    }
  });
  if (found.size === 0) {
    throw new AppModuleError(
      `${name} does not import SwitchyardModule.forRoot({ events }) from @switchyard/core, so Switchyard does not know the app's events. ` +
        `Add it to the root module: @Module({ imports: [SwitchyardModule.forRoot({ events }), …your handler modules] })`,
    );
  }
  if (found.size > 1) {
    throw new AppModuleError(
      `${name} imports SwitchyardModule.forRoot() ${found.size} times with different options; declare the app's events once, in its root module`,
    );
  }
  return [...found][0];
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (typeof value === 'object') return `an object with keys ${Object.keys(value).join(', ') || '(none)'}`;
  return typeof value;
}
