import { ThrowawayPostgres } from './throwaway-postgres.js';
import { waitFor } from './wait-for.js';

/**
 * A primary and a hot standby streaming from it, both throwaway clusters of
 * the test's own (never a standby of the shared server): for specs that read
 * from a replica, make it lag, or lose it.
 */
export class StreamingReplica {
  private constructor(
    readonly primary: ThrowawayPostgres,
    readonly replica: ThrowawayPostgres,
  ) {}

  /** initdb's a primary, creates `databases` on it, then base-backs-up a standby that streams from it. */
  static async start(databases: string[] = []): Promise<StreamingReplica> {
    const primary = await ThrowawayPostgres.start();
    try {
      for (const name of databases) await primary.query('postgres', `CREATE DATABASE "${name}"`);
      return new StreamingReplica(primary, await ThrowawayPostgres.standbyOf(primary));
    } catch (error) {
      await primary.dispose();
      throw error;
    }
  }

  primaryUrl(database: string): string {
    return this.primary.url(database);
  }

  replicaUrl(database: string): string {
    return this.replica.url(database);
  }

  /** Holds the replica at what it has replayed so far; it keeps receiving WAL, and reads see the past. */
  async pauseReplay(): Promise<void> {
    await this.replica.query('postgres', 'SELECT pg_wal_replay_pause()');
    await waitFor('replay to pause', async () => (await this.replica.query<{ state: string }>('postgres', 'SELECT pg_get_wal_replay_pause_state() AS state'))[0].state === 'paused');
  }

  async resumeReplay(): Promise<void> {
    await this.replica.query('postgres', 'SELECT pg_wal_replay_resume()');
  }

  /**
   * Waits until the replica has replayed everything the primary had written
   * when called: up to its insert position, as the throwaway primary commits
   * without waiting for the flush (synchronous_commit=off).
   */
  async waitForReplay(timeoutMs = 15_000): Promise<void> {
    const [{ lsn }] = await this.primary.query<{ lsn: string }>('postgres', 'SELECT pg_current_wal_insert_lsn()::text AS lsn');
    await waitFor(
      `the replica to replay up to ${lsn}`,
      async () => (await this.replica.query<{ done: boolean }>('postgres', 'SELECT pg_last_wal_replay_lsn() >= $1::pg_lsn AS done', [lsn]))[0].done,
      { timeoutMs, intervalMs: 50 },
    );
  }

  /** Stops the replica (fast: its sessions are cut, as when a replica fails or restarts). */
  async stopReplica(): Promise<void> {
    await this.replica.stop('fast');
  }

  /** Starts the stopped replica again; it resumes streaming where it left off. */
  async startReplica(): Promise<void> {
    await this.replica.start();
  }

  async dispose(): Promise<void> {
    await this.replica.dispose();
    await this.primary.dispose();
  }
}
