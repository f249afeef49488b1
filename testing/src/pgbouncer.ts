import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { chmodSync, chownSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { locateTool, toolPath } from './prerequisites.js';
import { freePort } from './redis-server.js';
import { osUser, runsAsRoot } from './throwaway-postgres.js';
import { waitFor } from './wait-for.js';

export interface PgBouncerOptions {
  /** The Postgres it pools, as host and port; every database name is passed through. Default: the shared 127.0.0.1:5432. */
  upstream?: { host: string; port: number };
  /** Server connections per database and user. Default 2: small enough that transactions from many clients share them. */
  poolSize?: number;
  /** Seconds a client waits for a server connection before PgBouncer answers query_wait_timeout. Default 30. */
  queryWaitTimeoutS?: number;
}

/**
 * A pgbouncer of the test's own, in transaction mode, on a free loopback port
 * with its ini, userlist, log and pid file in a temp dir: consecutive
 * transactions of one client may run on different server connections, so
 * session state (named prepared statements, session locks, SET) breaks
 * the way it would in production. The packaged service is never used.
 */
export class ThrowawayPgBouncer {
  private process: ChildProcess | null = null;
  private readonly dir = mkdtempSync(join(tmpdir(), 'sy-pgbouncer-'));

  private constructor(
    readonly port: number,
    private readonly binary: string,
  ) {}

  /** Starts one; throws, saying how to install it, when pgbouncer is missing (specs declare `needs('pgbouncer')`). */
  static async start(options: PgBouncerOptions = {}): Promise<ThrowawayPgBouncer> {
    const bouncer = new ThrowawayPgBouncer(await freePort(), toolPath('pgbouncer'));
    await bouncer.start(options);
    return bouncer;
  }

  /** The URL of database `name` through this pgbouncer. */
  url(name: string): string {
    return `postgresql://postgres@127.0.0.1:${this.port}/${name}`;
  }

  /** The last lines pgbouncer logged: to explain a failure. */
  log(): string {
    const path = join(this.dir, 'pgbouncer.log');
    return existsSync(path) ? readFileSync(path, 'utf8').slice(-8_000) : '';
  }

  /** Runs a command on pgbouncer's admin console (SHOW POOLS, SHOW STATS, …); returns its rows. */
  async admin<T extends Record<string, unknown>>(command: string): Promise<T[]> {
    const client = new Client({ connectionString: this.url('pgbouncer') });
    client.on('error', () => undefined);
    await client.connect();
    try {
      // The admin console speaks only the simple query protocol: no parameters.
      return (await client.query<T>(command)).rows;
    } finally {
      await client.end().catch(() => undefined);
    }
  }

  private async start(options: PgBouncerOptions): Promise<void> {
    const upstream = options.upstream ?? { host: '127.0.0.1', port: 5432 };
    const ini = join(this.dir, 'pgbouncer.ini');
    writeFileSync(join(this.dir, 'userlist.txt'), '"postgres" ""\n"root" ""\n');
    writeFileSync(
      ini,
      [
        '[databases]',
        `* = host=${upstream.host} port=${upstream.port}`,
        '[pgbouncer]',
        'listen_addr = 127.0.0.1',
        `listen_port = ${this.port}`,
        `unix_socket_dir = ${this.dir}`,
        'auth_type = trust',
        `auth_file = ${join(this.dir, 'userlist.txt')}`,
        'admin_users = postgres',
        'pool_mode = transaction',
        `default_pool_size = ${options.poolSize ?? 2}`,
        'min_pool_size = 0',
        'reserve_pool_size = 0',
        'max_client_conn = 500',
        `query_wait_timeout = ${options.queryWaitTimeoutS ?? 30}`,
        // node-postgres sends none of these, but psql and Prisma's tools may.
        'ignore_startup_parameters = extra_float_digits,options,statement_timeout',
        `logfile = ${join(this.dir, 'pgbouncer.log')}`,
        `pidfile = ${join(this.dir, 'pgbouncer.pid')}`,
        // pgbouncer refuses to run as root; it drops to this user after reading the ini.
        ...(runsAsRoot() ? ['user = postgres'] : []),
        '',
      ].join('\n'),
    );
    if (runsAsRoot()) {
      const { uid, gid } = osUser('postgres');
      chmodSync(this.dir, 0o755);
      for (const path of [this.dir, ini, join(this.dir, 'userlist.txt')]) chownSync(path, uid, gid);
    }
    const child = spawn(this.binary, [ini], { stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    this.process = child;
    await waitFor(`pgbouncer on port ${this.port}`, async () => {
      if (child.exitCode !== null) throw new Error(`pgbouncer exited (${child.exitCode}): ${output}${this.log()}`);
      return this.answers();
    }, { timeoutMs: 10_000, intervalMs: 100 });
  }

  private async answers(): Promise<boolean> {
    try {
      await this.admin('SHOW VERSION');
      return true;
    } catch {
      return false;
    }
  }

  async stop(): Promise<void> {
    const child = this.process;
    this.process = null;
    if (!child || child.exitCode !== null) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGINT'); // pgbouncer's immediate shutdown
    await exited;
  }

  async dispose(): Promise<void> {
    await this.stop();
    rmSync(this.dir, { recursive: true, force: true });
  }
}

/** pgbouncer's version line ("PgBouncer 1.18.0"), or null when it is not installed. */
export function pgBouncerVersion(): string | null {
  const binary = locateTool('pgbouncer');
  return binary ? execFileSync(binary, ['--version']).toString().split('\n')[0].trim() : null;
}
