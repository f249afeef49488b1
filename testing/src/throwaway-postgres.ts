import { execFileSync } from 'node:child_process';
import { chmodSync, chownSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { freePort } from './redis-server.js';
import { waitFor } from './wait-for.js';

const BIN = process.env.PG_BIN_DIR ?? '/usr/lib/postgresql/15/bin';

/**
 * A Postgres cluster of the test's own (initdb in a temp dir, on a free
 * loopback port), for scenarios that stop Postgres: the shared cluster on
 * 5432 is never touched. initdb refuses to run as root, so as root the
 * cluster belongs to the `postgres` OS user and its commands run through runuser.
 */
export class ThrowawayPostgres {
  private readonly dir = mkdtempSync(join(tmpdir(), 'sy-pg-'));
  private readonly data = join(this.dir, 'data');

  private constructor(readonly port: number) {
    if (runsAsRoot()) {
      chmodSync(this.dir, 0o755);
      chownSync(this.dir, osUser('postgres').uid, osUser('postgres').gid);
    }
  }

  static async start(): Promise<ThrowawayPostgres> {
    const pg = new ThrowawayPostgres(await freePort());
    pg.run('initdb', ['-D', pg.data, '-A', 'trust', '-U', 'postgres', '-E', 'UTF8', '--no-sync', '--no-instructions']);
    await pg.start();
    return pg;
  }

  /**
   * A hot standby of `primary`: a base backup taken over the replication
   * protocol with -R, so it starts streaming from the primary at once
   * (initdb's trust rules already admit replication from 127.0.0.1).
   */
  static async standbyOf(primary: ThrowawayPostgres): Promise<ThrowawayPostgres> {
    const standby = new ThrowawayPostgres(await freePort());
    standby.run('pg_basebackup', ['-h', '127.0.0.1', '-p', String(primary.port), '-U', 'postgres', '-D', standby.data, '-R', '-X', 'stream', '-c', 'fast', '--no-sync']);
    await standby.start();
    return standby;
  }

  /** The URL of database `name` on this cluster. */
  url(name: string): string {
    return `postgresql://postgres@127.0.0.1:${this.port}/${name}`;
  }

  get running(): boolean {
    return existsSync(join(this.data, 'postmaster.pid'));
  }

  async start(): Promise<void> {
    const options = `-p ${this.port} -k ${this.dir} -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c max_connections=200`;
    this.run('pg_ctl', ['-D', this.data, '-o', options, '-l', join(this.dir, 'server.log'), '-w', '-t', '30', 'start']);
    await waitFor(`Postgres on port ${this.port}`, () => this.answers(), { timeoutMs: 20_000, intervalMs: 100 });
  }

  /** Stops the server: `fast` disconnects every session (what a restart or failover does), `immediate` is a crash. */
  async stop(mode: 'fast' | 'immediate' = 'fast'): Promise<void> {
    if (!this.running) return;
    this.run('pg_ctl', ['-D', this.data, '-m', mode, '-w', '-t', '30', 'stop']);
  }

  /** Runs one statement on database `name` over a short-lived connection; returns its rows. */
  async query<T extends Record<string, unknown>>(name: string, sql: string, params: unknown[] = []): Promise<T[]> {
    const client = new Client({ connectionString: this.url(name) });
    client.on('error', () => undefined);
    await client.connect();
    try {
      return (await client.query<T>(sql, params)).rows;
    } finally {
      await client.end().catch(() => undefined);
    }
  }

  async dispose(): Promise<void> {
    await this.stop('immediate').catch(() => undefined);
    rmSync(this.dir, { recursive: true, force: true });
  }

  private run(tool: string, args: string[]): void {
    const command = join(BIN, tool);
    const [file, argv] = runsAsRoot() ? ['runuser', ['-u', 'postgres', '--', command, ...args]] : [command, args];
    execFileSync(file, argv, { stdio: ['ignore', 'pipe', 'pipe'], cwd: this.dir });
  }

  private async answers(): Promise<boolean> {
    const client = new Client({ connectionString: this.url('postgres'), connectionTimeoutMillis: 1_000 });
    client.on('error', () => undefined);
    try {
      await client.connect();
      await client.query('SELECT 1');
      return true;
    } catch {
      return false;
    } finally {
      await client.end().catch(() => undefined);
    }
  }
}

/** Whether this process runs as root (servers then run as the `postgres` OS user). */
export function runsAsRoot(): boolean {
  return userInfo().uid === 0;
}

/** The uid and gid of OS user `name`. */
export function osUser(name: string): { uid: number; gid: number } {
  const uid = Number(execFileSync('id', ['-u', name]).toString().trim());
  const gid = Number(execFileSync('id', ['-g', name]).toString().trim());
  return { uid, gid };
}
