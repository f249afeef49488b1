import { Inject, Injectable } from '@nestjs/common';
import type { QueueJob, QueueJobPage, QueueLag, QueuesSnapshot, QueueSummary } from '@switchyard/core/contracts';
import { PrismaService } from '../../../db/index.js';
import type { Job, JobType, Queue } from 'bullmq';
import { AuditLog } from '../../../foundation/audit/audit-log.js';
import { SWITCHYARD_CONFIG, type SwitchyardConfig } from '../../../foundation/config/core-config.js';
import { percentilesOf } from '../../../foundation/metrics/histogram.js';
import { type RecentStats, TimeSeriesReader } from '../../../foundation/metrics/time-series.reader.js';
import type { JobPayload } from '../../../pipeline/queues/job-payload.js';
import { ProblemError, problems } from '../../../foundation/problems/problem.js';
import { Redactor } from '../../../foundation/redaction/redactor.js';
import { QueueRegistry } from '../../../pipeline/queues/queue-registry.js';
import { RoutingTable } from '../../../pipeline/routing/routing-table.js';
import { RedisConnection } from '../../../foundation/connections/redis-connection.js';

const JOB_STATES = ['waiting', 'prioritized', 'delayed', 'active', 'completed', 'failed'] as const;
type JobState = (typeof JOB_STATES)[number];
const MAX_PAGE = 200;
const PRIORITY_SHIFT = 0x100000000; // BullMQ scores prioritized jobs as priority × 2^32 + an insertion counter
const MAX_PRIORITY_LEVELS = 64;

/**
 * What operators see of queues: counts, lag as time, throughput and latency
 * percentiles, pages of jobs; and pause/resume. Every read against Redis is
 * bounded, whatever the queue's size.
 */
@Injectable()
export class QueueInspector {
  constructor(
    private readonly routes: RoutingTable,
    private readonly queues: QueueRegistry,
    private readonly redis: RedisConnection,
    private readonly series: TimeSeriesReader,
    private readonly prisma: PrismaService,
    private readonly audit: AuditLog,
    @Inject(SWITCHYARD_CONFIG) private readonly config: SwitchyardConfig,
    private readonly redactor: Redactor,
  ) {}

  names(): string[] {
    return this.routes.queues().map((queue) => queue.name);
  }

  async summaries(): Promise<QueueSummary[]> {
    const names = this.names();
    const recent = await this.series.recent(names);
    return Promise.all(names.map((name) => this.summarise(name, recent.get(name)!)));
  }

  async summary(name: string): Promise<QueueSummary> {
    this.assertKnown(name);
    const recent = await this.series.recent([name]);
    return this.summarise(name, recent.get(name)!);
  }

  /** The live view: every queue's summary at one instant. */
  async snapshot(): Promise<QueuesSnapshot> {
    return { at: new Date().toISOString(), queues: await this.summaries() };
  }

  private async summarise(name: string, recent: RecentStats): Promise<QueueSummary> {
    const queue = this.queues.get(name);
    const [counts, paused, workers, oldest] = await Promise.all([
      queue.getJobCounts('waiting', 'prioritized', 'delayed', 'active', 'completed', 'failed'),
      queue.isPaused(),
      queue.getWorkersCount(),
      this.oldestWaitingAgeMs(queue),
    ]);
    const backlog = (counts.waiting ?? 0) + (counts.prioritized ?? 0);
    const lag: QueueLag = {
      backlog,
      oldestWaitingAgeMs: oldest,
      drainTimeMs: backlog === 0 ? 0 : recent.completedPerSec > 0 ? Math.round((backlog / recent.completedPerSec) * 1000) : null,
    };
    return {
      name,
      handlers: this.routes.queues().find((queue) => queue.name === name)?.handlers ?? [],
      paused,
      workers,
      counts: {
        waiting: counts.waiting ?? 0,
        prioritized: counts.prioritized ?? 0,
        delayed: counts.delayed ?? 0,
        active: counts.active ?? 0,
        completed: counts.completed ?? 0,
        failed: counts.failed ?? 0,
      },
      throughput: { completedPerSec: round(recent.completedPerSec), failedPerSec: round(recent.failedPerSec) },
      rate: { completedPerSec: round(recent.lastCompletedPerSec), failedPerSec: round(recent.lastFailedPerSec) },
      lag,
      waitMs: percentilesOf(recent.waitBins),
      processingMs: percentilesOf(recent.processingBins),
    };
  }

  /** Backlog and oldest waiting age of every queue, for the lag sampler and the gauges. */
  async lags(): Promise<Array<{ queue: string; backlog: number; oldestWaitingAgeMs: number }>> {
    return Promise.all(
      this.names().map(async (name) => {
        const queue = this.queues.get(name);
        const [counts, oldest] = await Promise.all([queue.getJobCounts('waiting', 'prioritized'), this.oldestWaitingAgeMs(queue)]);
        return { queue: name, backlog: (counts.waiting ?? 0) + (counts.prioritized ?? 0), oldestWaitingAgeMs: oldest };
      }),
    );
  }

  /**
   * Age of the oldest job ready to run. The wait list is FIFO: its oldest is
   * its tail. Prioritized jobs sort by priority, then insertion, so the
   * oldest of each priority level is that level's first entry; we visit the
   * levels (a few) instead of the jobs (maybe millions).
   */
  private async oldestWaitingAgeMs(queue: Queue<JobPayload>): Promise<number> {
    const client = this.redis.client;
    const candidates: string[] = [];
    const tail = await client.lindex(queue.keys.wait, -1);
    if (tail) candidates.push(tail);
    let floor = 0;
    for (let level = 0; level < MAX_PRIORITY_LEVELS; level++) {
      const [id, score] = await client.zrangebyscore(queue.keys.prioritized, floor, '+inf', 'WITHSCORES', 'LIMIT', 0, 1);
      if (!id) break;
      candidates.push(id);
      floor = (Math.floor(Number(score) / PRIORITY_SHIFT) + 1) * PRIORITY_SHIFT;
    }
    if (candidates.length === 0) return 0;
    const pipeline = client.pipeline();
    for (const id of candidates) pipeline.hmget(queue.toKey(id), 'timestamp', 'delay');
    const now = Date.now();
    let oldest = 0;
    for (const [, fields] of (await pipeline.exec()) ?? []) {
      const [timestamp, delay] = (fields as Array<string | null>) ?? [];
      if (!timestamp) continue;
      oldest = Math.max(oldest, now - (Number(timestamp) + Number(delay ?? 0)));
    }
    return Math.max(0, oldest);
  }

  async jobs(name: string, query: { state?: string; start?: string; end?: string }): Promise<QueueJobPage> {
    this.assertKnown(name);
    const state = (query.state ?? 'waiting') as JobState;
    if (!JOB_STATES.includes(state)) throw invalid('state', `must be one of ${JOB_STATES.join(', ')}`);
    const start = query.start === undefined ? 0 : Number(query.start);
    const end = query.end === undefined ? start + 49 : Number(query.end);
    if (!Number.isInteger(start) || start < 0) throw invalid('start', 'must be an integer ≥ 0');
    if (!Number.isInteger(end) || end < start || end - start + 1 > MAX_PAGE) {
      throw invalid('end', `must be an integer from start to start + ${MAX_PAGE - 1}: pages hold at most ${MAX_PAGE} jobs`);
    }
    const queue = this.queues.get(name);
    const type: JobType = state === 'waiting' ? 'wait' : state;
    const [jobs, total] = await Promise.all([queue.getJobs([type], start, end, state === 'waiting'), queue.getJobCountByTypes(type)]);
    return { state, start, end, total, items: jobs.filter(Boolean).map((job) => toQueueJob(this.redactor, job as Job, state)) };
  }

  async job(name: string, id: string): Promise<QueueJob> {
    this.assertKnown(name);
    const job = await this.queues.get(name).getJob(id);
    if (!job) throw new ProblemError(problems.notFound(`No job ${JSON.stringify(id)} in queue ${name} (BullMQ may have removed it; see GET /v1/events/:eventId)`));
    return toQueueJob(this.redactor, job, await job.getState());
  }

  async pause(name: string, actor: string): Promise<QueueSummary> {
    this.assertKnown(name);
    await this.queues.get(name).pause();
    await this.prisma.$transaction((tx) => this.audit.record(tx, { actor, action: 'queue.pause', target: `queue:${name}` }));
    return this.summary(name);
  }

  async resume(name: string, actor: string): Promise<QueueSummary> {
    this.assertKnown(name);
    await this.queues.get(name).resume();
    await this.prisma.$transaction((tx) => this.audit.record(tx, { actor, action: 'queue.resume', target: `queue:${name}` }));
    return this.summary(name);
  }

  assertKnown(name: string): void {
    if (!this.names().includes(name)) {
      throw new ProblemError(problems.notFound(`No queue named ${JSON.stringify(name)}. Queues: ${this.names().join(', ')}`));
    }
  }
}

/** A BullMQ job as operators see it: REDACT_PATHS masked in its event and in error text echoing them. */
function toQueueJob(redactor: Redactor, job: Job, state: string): QueueJob {
  const event = (job.data as Partial<JobPayload> | undefined)?.event;
  const mask = (text: string) => redactor.maskText(text, event);
  return {
    id: job.id ?? '',
    name: job.name,
    state,
    data: event ? { ...job.data, event: redactor.mask(event) } : job.data,
    opts: job.opts,
    attemptsMade: job.attemptsMade,
    createdAt: new Date(job.timestamp).toISOString(),
    processedAt: job.processedOn ? new Date(job.processedOn).toISOString() : null,
    finishedAt: job.finishedOn ? new Date(job.finishedOn).toISOString() : null,
    delayUntil: job.delay ? new Date(job.timestamp + job.delay).toISOString() : null,
    priority: job.priority || null,
    returnValue: job.returnvalue ?? null,
    failedReason: job.failedReason ? mask(job.failedReason) : null,
    stacktrace: (job.stacktrace ?? []).map(mask),
  };
}

function invalid(path: string, message: string): ProblemError {
  return new ProblemError(problems.invalidRequest(`${path} ${message}`, [{ path, message }]));
}

function round(value: number): number {
  return Math.round(value * 1000) / 1000;
}
