import { Redis } from 'ioredis';
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { waitFor } from './wait-for.js';

/**
 * A free loopback port, for a server the test starts itself: any the kernel
 * hands out, or one of TEST_PORT_RANGE (FROM-TO) when the machine reserves a
 * range for test servers. A range is tried from a random point, so test files
 * running side by side seldom race for the same port.
 */
export async function freePort(): Promise<number> {
  const range = /^(\d+)-(\d+)$/.exec(process.env.TEST_PORT_RANGE ?? '');
  if (!range) return listenOnce(0);
  const [from, to] = [Number(range[1]), Number(range[2])];
  const size = to - from + 1;
  const start = Math.floor(Math.random() * size);
  for (let i = 0; i < size; i++) {
    const port = from + ((start + i) % size);
    const free = await listenOnce(port).catch(() => null);
    if (free !== null) return free;
  }
  throw new Error(`No free loopback port in TEST_PORT_RANGE ${process.env.TEST_PORT_RANGE}`);
}

/** Whether a server could listen on loopback `port` now. */
export function portIsFree(port: number): Promise<boolean> {
  return listenOnce(port).then(
    () => true,
    () => false,
  );
}

function listenOnce(port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(port, '127.0.0.1', () => {
      const { port: bound } = server.address() as { port: number };
      server.close(() => resolve(bound));
    });
  });
}

export interface ThrowawayRedisOptions {
  /**
   * Keep an append-only file, as production Redis should (docker-compose
   * does): a restart, even SHUTDOWN NOSAVE, then keeps every acknowledged job.
   */
  appendOnly?: boolean;
}

/**
 * A redis-server of the test's own on a free loopback port, for tests that
 * stop, restart, freeze or starve Redis: the shared one on 6379 is never touched.
 */
export class ThrowawayRedis {
  private process: ChildProcess | null = null;
  private readonly dir = mkdtempSync(join(tmpdir(), 'sy-redis-'));

  private constructor(
    readonly port: number,
    private readonly options: ThrowawayRedisOptions,
  ) {}

  static async start(options: ThrowawayRedisOptions = {}): Promise<ThrowawayRedis> {
    const redis = new ThrowawayRedis(await freePort(), options);
    await redis.start();
    return redis;
  }

  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  async start(): Promise<void> {
    const child = spawn(
      'redis-server',
      [
        '--port', String(this.port), '--bind', '127.0.0.1', '--save', '', '--dir', this.dir, '--maxmemory-policy', 'noeviction',
        '--appendonly', this.options.appendOnly ? 'yes' : 'no', '--appendfsync', 'everysec',
      ],
      { stdio: 'ignore' },
    );
    this.process = child;
    await waitFor(`redis-server on port ${this.port}`, () => pingable(this.port), { timeoutMs: 10_000 });
  }

  /** Stops the server at once, as a crash would (SIGKILL: nothing saved). */
  async stop(): Promise<void> {
    const child = this.process;
    this.process = null;
    if (!child || child.exitCode !== null) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGKILL');
    await exited;
  }

  get running(): boolean {
    return this.process !== null && this.process.exitCode === null && this.process.signalCode === null;
  }

  /** Sends one command and returns Redis's answer (a short-lived connection, so a paused server does not hold the test). */
  command(...args: Array<string | number>): Promise<unknown> {
    return redisCommand(this.port, args);
  }

  /** SHUTDOWN NOSAVE, as an operator or an orchestrator would stop it; waits for the process to exit. */
  async shutdownNoSave(): Promise<void> {
    const child = this.process;
    this.process = null;
    if (!child || child.exitCode !== null) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    await this.command('SHUTDOWN', 'NOSAVE').catch(() => undefined); // the server hangs up instead of answering
    await exited;
  }

  /** Freezes every client for `ms` (CLIENT PAUSE … ALL): commands queue up, nothing is answered. */
  async pause(ms: number): Promise<void> {
    await this.command('CLIENT', 'PAUSE', ms, 'ALL');
  }

  /** Sets maxmemory; `headroomBytes` above what is used now makes the server refuse writes almost at once. */
  async starve(headroomBytes: number): Promise<void> {
    const info = String(await this.command('INFO', 'memory'));
    const used = Number(/used_memory:(\d+)/.exec(info)?.[1] ?? 0);
    await this.command('CONFIG', 'SET', 'maxmemory', used + headroomBytes);
  }

  /** Lifts the memory limit set by `starve`. */
  async feed(): Promise<void> {
    await this.command('CONFIG', 'SET', 'maxmemory', 0);
  }

  async dispose(): Promise<void> {
    await this.stop();
    rmSync(this.dir, { recursive: true, force: true });
  }
}

/** Whether a Redis server answers PING on loopback `port` (a raw socket: no client retries). */
export async function pingable(port: number): Promise<boolean> {
  const { Socket } = await import('node:net');
  return new Promise((resolve) => {
    const socket = new Socket();
    socket.setTimeout(500);
    socket.once('error', () => resolve(false));
    socket.once('timeout', () => (socket.destroy(), resolve(false)));
    socket.connect(port, '127.0.0.1', () => socket.write('PING\r\n'));
    socket.once('data', (data) => {
      socket.destroy();
      resolve(data.toString().startsWith('+PONG'));
    });
  });
}

/**
 * Sends one command to the Redis server on loopback `port` over a
 * short-lived connection that never retries, so a paused or killed server
 * fails the call instead of holding the test. `readOnly`: to read from a
 * cluster replica.
 */
export async function redisCommand(
  port: number,
  args: Array<string | number>,
  { connectTimeoutMs, readOnly = false }: { connectTimeoutMs?: number; readOnly?: boolean } = {},
): Promise<unknown> {
  const redis = new Redis({
    host: '127.0.0.1',
    port,
    lazyConnect: true,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
    ...(connectTimeoutMs === undefined ? {} : { connectTimeout: connectTimeoutMs }),
  });
  redis.on('error', () => undefined);
  try {
    await redis.connect();
    // A cluster replica redirects reads to its master unless told READONLY.
    if (readOnly) await redis.call('READONLY');
    return await redis.call(String(args[0]), ...args.slice(1).map(String));
  } finally {
    redis.disconnect();
  }
}
