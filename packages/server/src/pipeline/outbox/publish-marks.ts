import { BeforeApplicationShutdown, Injectable, Logger } from '@nestjs/common';
import { PgPool } from '../../db/index.js';

/**
 * How long published job ids may wait for the next ingest statement to carry
 * their mark before they are written on their own. Far below the relay's
 * grace period (OUTBOX_GRACE_MS, 2 s by default), so the relay does not
 * republish rows whose jobs reached Redis.
 */
const LINGER_MS = 25;

/**
 * CTEs that mark the jobs whose ids are in `param` (a text[]) published.
 * Rows another transaction holds are skipped, never waited for: the only
 * other writers of fresh job rows are workers recording the job's outcome,
 * which sets published_at itself (a job that ran was published). Waiting
 * instead let an ingest statement and a worker's batch lock the same rows in
 * opposite orders: deadlocks, each costing a second. NO KEY UPDATE, so a
 * worker inserting an attempt row (a key-share lock through its foreign key)
 * does not make us skip the row. If a worker's outcome write rolls back after
 * we skipped its rows, the relay republishes them after its grace period:
 * BullMQ ignores the add while it still holds the job, else the job runs
 * again — at least once, as every handler expects. Only ever run with
 * custom plans (unprepared statements): generic plans of it made while
 * \`jobs\` was small walked the outbox index or the whole table per id.
 */
export const MARK_PUBLISHED_CTES = (param: string) => `
publishable AS (
  SELECT j.id FROM unnest(${param}::text[]) AS p(id)
  CROSS JOIN LATERAL (SELECT id, published_at FROM switchyard.jobs WHERE jobs.id = p.id FOR NO KEY UPDATE SKIP LOCKED) j
  WHERE j.published_at IS NULL
), marked AS (
  UPDATE switchyard.jobs SET published_at = now() FROM publishable WHERE jobs.id = publishable.id
)`;

/** Marks one set of rows published; unprepared, so it is planned with its values. */
export const MARK_PUBLISHED_SQL = `WITH ${MARK_PUBLISHED_CTES('$1')} SELECT 1`;

/**
 * Published-but-not-yet-marked outbox rows of this process. Ingest hands
 * them to its next append statement, which marks them in the same round trip
 * and commit as it stores new events — under load that halves the commits
 * per flush. Ids nobody takes within LINGER_MS are marked on their own. A
 * crash loses only marks: the relay then republishes those rows under the
 * same job ids, which BullMQ ignores while the jobs exist.
 */
@Injectable()
export class PublishMarks implements BeforeApplicationShutdown {
  private readonly logger = new Logger(PublishMarks.name);
  private pending: string[] = [];
  private timer: NodeJS.Timeout | null = null;

  constructor(private readonly pg: PgPool) {}

  add(jobIds: string[]): void {
    if (jobIds.length === 0) return;
    for (const id of jobIds) this.pending.push(id);
    this.timer ??= setTimeout(() => void this.flush(), LINGER_MS);
  }

  /** Takes every pending id for a statement that will mark them; give them back with `restore` if it fails. */
  take(): string[] {
    const taken = this.pending;
    this.pending = [];
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    return taken;
  }

  restore(jobIds: string[]): void {
    this.add(jobIds);
  }

  /** Marks whatever is pending now, in a statement of its own. */
  async flush(): Promise<void> {
    const ids = this.take();
    if (ids.length === 0) return;
    try {
      await this.pg.query(MARK_PUBLISHED_SQL, [ids]);
    } catch (error) {
      // Postgres is away: keep the ids (the relay's grace period gives us seconds).
      this.logger.warn(`Could not mark ${ids.length} jobs published yet: ${(error as Error).message}`);
      this.pending.push(...ids);
      this.timer ??= setTimeout(() => void this.flush(), 1_000);
    }
  }

  async beforeApplicationShutdown(): Promise<void> {
    await this.flush();
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }
}
