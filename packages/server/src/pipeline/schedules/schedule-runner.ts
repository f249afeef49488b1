import { Inject, Injectable, Logger, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import { inPgTransaction, PgPool } from '../../db/index.js';
import { type DueSchedule, SchedulesRepository, type TickOutcome } from '../../foundation/repositories/schedules.repository.js';
import { BackgroundLoop, exponentialBackoff } from '../../foundation/background/background-loop.js';
import { SWITCHYARD_CONFIG, type SwitchyardConfig } from '../../foundation/config/core-config.js';
import { canonicalJson, sha256 } from '../events/canonical-json.js';
import { validateData } from '../events/data-validation.js';
import type { IncomingEvent } from '../events/incoming-event.js';
import { EventTypes } from '../events/event-catalog.js';
import { planEvent } from '../events/event-plan.js';
import { EventStore, type EventToStore, jobsToPublish } from '../events/event-store.js';
import { PrometheusMetrics } from '../../foundation/metrics/prometheus-metrics.js';
import { OutboxPublisher } from '../outbox/outbox-publisher.js';
import { RoutingTable } from '../routing/routing-table.js';
import { timingOf } from './schedule-rows.js';
import { type CatchUp, type Firing, planFiring } from './schedule-timing.js';

/** Due schedules claimed per transaction. */
const BATCH = 50;
/** The least wait between two claims that found nothing to do: rows locked by another replica are not polled hot. */
const MIN_WAIT_MS = 25;
const MAX_RETRY_DELAY_MS = 10_000;
/** How long a claim may sit idle in its transaction before Postgres ends it (a frozen replica's). */
const CLAIM_IDLE_LIMIT_MS = 5_000;
/** How long a schedule whose ticks cannot be computed waits before the next try. */
const RETRY_BROKEN_MS = 5 * 60_000;

interface Outcome extends TickOutcome {
  /** The schedule's name, for metrics; not written. */
  name: string;
}

/**
 * Emits the events of due schedules. Every API and worker process runs it;
 * each pass claims due rows with FOR UPDATE SKIP LOCKED, stores their events
 * (and outbox rows) and moves them to their next tick in one transaction,
 * then publishes the jobs. So one replica fires a tick, and a claim that rolls
 * back fires nothing. The event's idempotency key is `schedule:<id>:<tick>`,
 * so even a tick claimed twice (a row restored from a backup, a clock moved
 * back by hand) is stored once. "Due" is judged by the database's clock, one
 * clock for every replica whatever theirs say.
 */
@Injectable()
export class ScheduleRunner implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger(ScheduleRunner.name);
  private readonly loop = new BackgroundLoop(() => this.pass(), { name: 'Scheduler', retryDelayMs: exponentialBackoff(MAX_RETRY_DELAY_MS) });

  constructor(
    private readonly pg: PgPool,
    private readonly schedules: SchedulesRepository,
    private readonly store: EventStore,
    private readonly publisher: OutboxPublisher,
    private readonly routing: RoutingTable,
    private readonly metrics: PrometheusMetrics,
    private readonly types: EventTypes,
    @Inject(SWITCHYARD_CONFIG) private readonly config: SwitchyardConfig,
  ) {}

  onApplicationBootstrap(): void {
    this.loop.start();
  }

  onModuleDestroy(): Promise<void> {
    return this.loop.stop();
  }

  /** Fires what is due; returns how long to wait before looking again: none while whole batches are due. */
  private async pass(): Promise<number> {
    const fired = await this.fireDue();
    return fired === BATCH ? 0 : Math.max(fired > 0 ? 0 : MIN_WAIT_MS, await this.untilNextDue());
  }

  /** How long until the earliest unpaused schedule is due, at most SCHEDULE_POLL_MS. */
  private async untilNextDue(): Promise<number> {
    const ms = (await this.schedules.msUntilNextDue()) ?? Infinity;
    return Math.min(this.config.schedules.pollMs, Math.max(0, Math.ceil(ms)));
  }

  /**
   * One pass: claims up to BATCH due schedules and fires each once (one tick,
   * or its catch-up). Returns how many it claimed.
   */
  async fireDue(): Promise<number> {
    // A replica frozen in here would keep its claimed schedules locked, and every other replica skipping
    // them: no ticks until it thawed. A claim idle that long is ended, and the ticks fired by another.
    const fired = await inPgTransaction(this.pg.pool, CLAIM_IDLE_LIMIT_MS, async (client) => {
      const rows = await this.schedules.claimDue(client, BATCH);
      if (rows.length === 0) return null;
      const outcomes: Outcome[] = [];
      const toStore: EventToStore[] = [];
      for (const row of rows) {
        const { outcome, event } = await this.fire(row);
        outcomes.push(outcome);
        if (event) toStore.push(event);
      }
      const stored = await this.store.appendWithin(client, toStore);
      for (const outcome of outcomes) if (outcome.eventId !== null && !stored.has(outcome.eventId)) outcome.eventId = null;
      await this.schedules.recordTicks(client, outcomes);
      return { outcomes, entries: jobsToPublish(toStore, stored) };
    });
    if (fired === null) return 0;
    for (const outcome of fired.outcomes) {
      const result = outcome.firedAt !== null ? 'emitted' : outcome.error !== null ? 'failed' : 'skipped';
      this.metrics.scheduleTicks.inc({ schedule: outcome.name, outcome: result });
    }
    // After the commit: what Redis does not take now, the outbox relay publishes.
    await this.publisher.publishAfterCommit(fired.entries);
    return fired.outcomes.length;
  }

  /** Plans one claimed schedule: its next tick, and the event to store (if any). */
  private async fire(row: DueSchedule): Promise<{ outcome: Outcome; event: EventToStore | null }> {
    let firing: Firing;
    try {
      firing = planFiring(timingOf(row), row.nextFireAt, row.now, row.catchUp as CatchUp, this.config.schedules.misfireGraceMs);
    } catch (error) {
      // Checked when made, so only a changed runtime gets here (a zone its ICU dropped): step aside, say why, try again later,
      // rather than fail every pass of the batch it is first in.
      const retryAt = new Date(row.now.getTime() + RETRY_BROKEN_MS);
      const message = `Cannot compute the next tick (${(error as Error).message}); trying again at ${retryAt.toISOString()}`;
      this.logger.warn(`Schedule ${row.name}: ${message}`);
      return { outcome: { id: row.id, name: row.name, next: retryAt.toISOString(), firedAt: null, eventId: null, error: message.slice(0, 2_000) }, event: null };
    }
    const outcome: Outcome = { id: row.id, name: row.name, next: firing.next.toISOString(), firedAt: null, eventId: null, error: null };
    if (!firing.emit) {
      this.logger.log(`Schedule ${row.name}: skipped the ticks missed since ${row.nextFireAt.toISOString()} (catch-up: skip)`);
      return { outcome, event: null };
    }
    const tick = firing.emit.tick.toISOString();
    // The catalog may have changed since the schedule was made (a deploy): such a tick emits nothing and says why.
    const schema = this.types.schemaOf(row.eventType);
    const errors = schema ? await validateData(schema, row.data) : [{ path: 'type', message: `"${row.eventType}" is not in this deployment's event catalog` }];
    if (errors.length) {
      outcome.error = `Tick ${tick} emitted nothing: ${errors.map((e) => `${e.path} ${e.message}`).join('; ')}`.slice(0, 2_000);
      this.logger.warn(`Schedule ${row.name}: ${outcome.error}`);
      return { outcome, event: null };
    }
    const key = `schedule:${row.id}:${tick}`;
    const incoming: IncomingEvent = {
      format: 'json',
      type: row.eventType,
      source: row.source,
      sourceEventId: null,
      subject: row.subject,
      time: tick,
      dataContentType: null,
      data: row.data,
      // CloudEvents-style extension attributes: which schedule, which tick, which replica, and what a catch-up covers.
      extensions: {
        schedule: row.name,
        scheduledfor: tick,
        firedby: this.config.worker.id,
        ...(firing.emit.catchUp ? { catchup: 'fire-once', missedsince: firing.emit.catchUp.firstMissed.toISOString() } : {}),
      },
      correlationId: null, // each tick's event roots a tree of its own
      priority: null,
      delayMs: null,
      deliverAt: null,
      idempotencyKey: key,
      requestHash: sha256(canonicalJson({ key })),
    };
    const planned = planEvent(incoming, this.routing.routesForEvent(incoming));
    if (!planned.ok) {
      // An ordered handler cannot key this event's data: like a schema mismatch, the tick emits nothing and says why.
      outcome.error = `Tick ${tick} emitted nothing: ${planned.problem.detail ?? planned.problem.title}`.slice(0, 2_000);
      this.logger.warn(`Schedule ${row.name}: ${outcome.error}`);
      return { outcome, event: null };
    }
    outcome.firedAt = tick;
    outcome.eventId = planned.store.eventId;
    return { outcome, event: planned.store };
  }
}
