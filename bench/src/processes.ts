import { type ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';

/** `@switchyard/server/internal` resolves only under this condition (see packages/server/package.json). */
const INTERNAL_CONDITION = '--conditions=switchyard-internal';

/** bench/dist, where the compiled entry points live. */
export const DIST = __dirname;

export interface Started {
  name: string;
  child: ChildProcess;
  pid: number;
  /** What the process said on `ready` (the API's port). */
  ready: Record<string, unknown>;
  output(): string;
  /** Sends an IPC request and waits for its reply. */
  ask<T>(message: Record<string, unknown>, timeoutMs?: number): Promise<T>;
  /** SIGTERM, then SIGKILL if it does not exit within `graceMs`. */
  stop(graceMs?: number): Promise<void>;
}

export interface StartOptions {
  env: Record<string, string>;
  args?: string[];
  /** Extra node flags, e.g. --cpu-prof. */
  nodeFlags?: string[];
  readyTimeoutMs?: number;
}

let asked = 0;

/** Starts a compiled bench entry (file name in bench/dist) with an IPC channel; resolves once it sends {type:'ready'}. */
export async function startProcess(name: string, entry: string, options: StartOptions): Promise<Started> {
  const child = spawn(process.execPath, [...(options.nodeFlags ?? []), '--enable-source-maps', INTERNAL_CONDITION, join(DIST, entry), ...(options.args ?? [])], {
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...options.env },
    stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
  });
  let output = '';
  const keep = (chunk: Buffer) => {
    output += chunk.toString();
    if (output.length > 200_000) output = output.slice(-100_000);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const replies = new Map<number, (value: unknown) => void>();
  let ready: Record<string, unknown> | null = null;
  const readyPromise = new Promise<Record<string, unknown>>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${name} not ready after ${options.readyTimeoutMs ?? 60_000} ms:\n${output}`)), options.readyTimeoutMs ?? 60_000);
    child.on('message', (message: Record<string, unknown>) => {
      if (message.type === 'ready') {
        clearTimeout(timer);
        ready = message;
        resolve(message);
      } else if (message.type === 'reply' && typeof message.id === 'number') {
        replies.get(message.id)?.(message);
        replies.delete(message.id);
      }
    });
    void exited.then((code) => {
      clearTimeout(timer);
      if (!ready) reject(new Error(`${name} exited with ${code} before it was ready:\n${output}`));
    });
  });
  await readyPromise;
  return {
    name,
    child,
    pid: child.pid ?? 0,
    ready: ready ?? {},
    output: () => output,
    ask<T>(message: Record<string, unknown>, timeoutMs = 10_000): Promise<T> {
      const id = ++asked;
      return new Promise<T>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`${name} did not answer ${JSON.stringify(message)}`)), timeoutMs);
        replies.set(id, (value) => {
          clearTimeout(timer);
          resolve(value as T);
        });
        child.send({ ...message, id });
      });
    },
    async stop(graceMs = 30_000): Promise<void> {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
      await exited;
      clearTimeout(timer);
    },
  };
}

/** Runs a compiled bench entry to completion and returns the last JSON line it printed with type 'result'. */
export async function runToResult<T>(entry: string, spec: unknown, env: Record<string, string> = {}, timeoutMs = 600_000): Promise<T> {
  const child = spawn(process.execPath, ['--enable-source-maps', INTERNAL_CONDITION, join(DIST, entry), JSON.stringify(spec)], {
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk) => (stdout += chunk));
  child.stderr.on('data', (chunk) => (stderr += chunk));
  const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
  const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
  clearTimeout(timer);
  const line = stdout
    .trim()
    .split('\n')
    .reverse()
    .find((text) => text.startsWith('{"type":"result"'));
  if (code !== 0 || !line) throw new Error(`${entry} exited with ${code}:\n${stderr.slice(-4000)}\n${stdout.slice(-2000)}`);
  return JSON.parse(line) as T;
}

/** Resident set size of a process in MB, from /proc. */
export async function rssMb(pid: number): Promise<number> {
  const { readFile } = await import('node:fs/promises');
  const status = await readFile(`/proc/${pid}/status`, 'utf8');
  const kb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? Number.NaN);
  return kb / 1024;
}

/** CPU seconds (user + system) a process used so far, from /proc. */
export async function cpuSeconds(pid: number): Promise<number> {
  const { readFile } = await import('node:fs/promises');
  const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  // fields[11] = utime, fields[12] = stime (clock ticks; 100 on Linux)
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
