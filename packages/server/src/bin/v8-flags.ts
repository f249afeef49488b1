import { setFlagsFromString } from 'node:v8';

/** Far more than any Wasm function of Prisma's runs in a service's life (V8's default: 1,800,000). */
const WASM_TIERING_BUDGET = '--wasm-tiering-budget=1000000000';

/**
 * Keeps WebAssembly in V8's baseline compiler. Prisma's query compiler is
 * Wasm, busy only while a service starts; V8 would optimise it then on
 * background threads, and the memory they used stays in malloc's arenas:
 * 20–70 MiB of RSS, a different amount each boot, for code the service
 * barely runs again (docs/performance.md, "Memory"). Must run before
 * anything compiles Wasm; a budget given on node's command line wins.
 */
export function keepWasmBaseline(): void {
  if (process.execArgv.some((flag) => flag.startsWith('--wasm-tiering-budget') || flag === '--liftoff-only')) return;
  setFlagsFromString(WASM_TIERING_BUDGET);
}
