import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { type AppModule, AppModuleError } from '../pipeline/app/app-declaration.js';

/**
 * How `switchyard api` and `switchyard worker` find the app: `--app <file>`
 * (or SWITCHYARD_APP), a compiled JavaScript file, relative to the current
 * directory, that exports the app's root module as its default export or as
 * `AppModule` (Nest's name for it). The module may be a class or what its
 * `forRoot()` returns.
 */
export const APP_FILE_HELP = `--app <file>   the compiled file exporting the app's root Nest module, as its default
               export or as AppModule (or set SWITCHYARD_APP). The module imports
               SwitchyardModule.forRoot({ events }) and the app's handler modules.`;

/** Loads the app module that `file` exports; an AppModuleError says what is wrong with it. */
export async function loadAppFile(file: string | undefined): Promise<AppModule> {
  if (!file) throw new AppModuleError(`Which app? Give the compiled file exporting its root module: --app ./dist/app.module.js (or SWITCHYARD_APP)`);
  const path = resolve(file);
  if (!existsSync(path)) throw new AppModuleError(`--app ${file}: no such file (${path}); build the app first, or fix the path`);
  const exports = await load(path);
  const candidates: Array<[string, unknown]> = [
    ['default', defaultExport(exports)],
    ['AppModule', exports.AppModule],
  ];
  const found = candidates.find(([, value]) => value !== undefined);
  if (!found) {
    const names = Object.keys(exports).filter((name) => name !== '__esModule');
    throw new AppModuleError(
      `--app ${file} exports no app module: export the root module as default (export default AppModule) or as AppModule. It exports ${names.length ? names.join(', ') : 'nothing'}`,
    );
  }
  const [name, value] = found;
  const isModule = typeof value === 'function' || (typeof value === 'object' && value !== null && typeof (value as { module?: unknown }).module === 'function');
  if (!isModule) throw new AppModuleError(`--app ${file}: its ${name} export is not a Nest module (a class with @Module(), or what forRoot() returns)`);
  return value as AppModule;
}

/** require() for CommonJS (how Nest apps compile), import() for ES modules. */
async function load(path: string): Promise<Record<string, unknown>> {
  try {
    return require(path) as Record<string, unknown>;
  } catch (error) {
    const code = (error as { code?: string }).code;
    if (code !== 'ERR_REQUIRE_ESM' && code !== 'ERR_REQUIRE_ASYNC_MODULE') throw error;
    return (await import(pathToFileURL(path).href)) as Record<string, unknown>;
  }
}

/**
 * The default export, whichever way it was compiled: `module.exports = X`
 * gives X itself, TypeScript's `export default X` gives `{ default: X }`, and
 * an ES module's namespace wraps that once more.
 */
function defaultExport(exports: Record<string, unknown>): unknown {
  if (typeof exports === 'function') return exports;
  let value = exports.default;
  if (value && typeof value === 'object' && '__esModule' in value && 'default' in value) value = (value as { default: unknown }).default;
  return value;
}
