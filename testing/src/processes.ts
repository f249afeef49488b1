import { type ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';
import { waitFor } from './wait-for.js';

const root = join(__dirname, '..', '..');

export interface RunningProcess {
  child: ChildProcess;
  output: () => string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/**
 * The Node flag under which `@switchyard/server/internal` resolves: its
 * export is gated by this condition, so apps that install the server cannot
 * import its internals by accident; the specs, the fault suite and the
 * benchmark opt in.
 */
export const INTERNAL_CONDITION = '--conditions=switchyard-internal';

/** Keeps the last half of a long-running process's output: enough to explain a failure. */
const MAX_OUTPUT = 400_000;

/**
 * Runs a compiled script (path from the repo root, or absolute) as its own
 * process with exactly `env` (plus PATH), for tests that kill, signal or
 * restart it.
 */
export function runNode(entry: string, env: Record<string, string>, args: string[] = [], cwd = root): RunningProcess {
  const child = spawn(process.execPath, ['--enable-source-maps', INTERNAL_CONDITION, entry.startsWith('/') ? entry : join(root, entry), ...args], {
    cwd,
    env: { PATH: process.env.PATH ?? '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const keep = (chunk: Buffer) => {
    output += chunk.toString();
    if (output.length > MAX_OUTPUT) output = output.slice(-MAX_OUTPUT / 2);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  );
  return { child, output: () => output, exited };
}

/**
 * Waits until `proc` prints a line matching `ready` (an API listening, a
 * worker consuming); fails at once, with its output, if it exits first.
 */
export async function waitForOutput(proc: RunningProcess, ready: RegExp, description: string, timeoutMs = 20_000): Promise<void> {
  await waitFor(description, () => ready.test(proc.output()) || (proc.child.exitCode !== null ? Promise.reject(new Error(proc.output())) : false), { timeoutMs });
}
