import { type DynamicModule, Module, type Provider } from '@nestjs/common';
import { commerceEvents } from '@switchyard/example-shop';
import { type DomainEvent, EventHandler, type Handler, type HandlerContext } from '@switchyard/server/internal';
import type { PoolClient } from 'pg';
import { z } from 'zod';
import { HandlerStarts, type JobTimes } from './handler-starts.js';

/** Concurrency of every benchmark queue, per worker process (the example domain's inventory and payment use 20). */
export const BENCH_CONCURRENCY = 20;

/**
 * The benchmark's event catalog: `order.placed` with the example domain's
 * schema (validated as in production), and two single-handler types for the
 * idempotent-handler comparison.
 */
export const benchEvents = {
  'order.placed': commerceEvents['order.placed'],
  'bench.noop': z.object({ n: z.int() }),
  'bench.guarded': z.object({ n: z.int() }),
};

/** The queues of `order.placed`'s three-way fan-out. */
export const FANOUT_QUEUES = ['bench-a', 'bench-b', 'bench-c'];
export const SINGLE_QUEUE = 'bench-single';
export const GUARDED_QUEUE = 'bench-guarded';
export const ALL_QUEUES = [...FANOUT_QUEUES, SINGLE_QUEUE, GUARDED_QUEUE];

/** The table the guarded handler writes its one row to (created by the benchmark, not a migration). */
export const EFFECTS_TABLE_SQL = `CREATE TABLE IF NOT EXISTS bench_effects (
  event_id uuid PRIMARY KEY,
  n integer NOT NULL,
  written_at timestamptz NOT NULL DEFAULT now()
)`;

/**
 * What handlers saw in this process: per handler start, the time since the
 * event was accepted (its `receivedAt`, the database clock when the event's
 * INSERT ran) and, when the producer put it in the data, since it was sent.
 */
export const starts = new HandlerStarts();

/** BullMQ's times of the jobs about to run, by job id, kept by the worker's processor (worker.main.ts) for their handlers. */
export const jobTimes = new Map<string, JobTimes>();

function recordStart(event: DomainEvent, ctx: HandlerContext): void {
  const times = jobTimes.get(ctx.jobId);
  jobTimes.delete(ctx.jobId);
  starts.record(Date.parse(event.receivedAt), event.data, times);
}

const options = { attempts: 3, concurrency: BENCH_CONCURRENCY } as const;

/** No-op handlers: the three-way fan-out of `order.placed`, one queue each, no priority, no rate limit. */
@EventHandler({ name: 'bench.noop-a', on: 'order.placed', queue: 'bench-a', ...options })
export class NoopA implements Handler {
  async handle(event: DomainEvent, ctx: HandlerContext): Promise<void> {
    recordStart(event, ctx);
  }
}

@EventHandler({ name: 'bench.noop-b', on: 'order.placed', queue: 'bench-b', ...options })
export class NoopB implements Handler {
  async handle(event: DomainEvent, ctx: HandlerContext): Promise<void> {
    recordStart(event, ctx);
  }
}

@EventHandler({ name: 'bench.noop-c', on: 'order.placed', queue: 'bench-c', ...options })
export class NoopC implements Handler {
  async handle(event: DomainEvent, ctx: HandlerContext): Promise<void> {
    recordStart(event, ctx);
  }
}

/** One no-op handler on one queue: the reference for the guarded handler. */
@EventHandler({ name: 'bench.noop', on: 'bench.noop', queue: SINGLE_QUEUE, ...options })
export class NoopSingle implements Handler {
  async handle(event: DomainEvent, ctx: HandlerContext): Promise<void> {
    recordStart(event, ctx);
  }
}

/** Writes one row through the idempotency guard: the processed key and the row commit together (the default adapter: a pg client on Switchyard's database). */
@EventHandler({ name: 'bench.guarded', on: 'bench.guarded', queue: GUARDED_QUEUE, ...options })
export class Guarded implements Handler<{ n: number }> {
  async handle(event: DomainEvent<{ n: number }>, ctx: HandlerContext<PoolClient>): Promise<void> {
    recordStart(event, ctx);
    await ctx.once((tx) => tx.query('INSERT INTO bench_effects (event_id, n) VALUES ($1::uuid, $2)', [event.id, event.data.n]));
  }
}

export type HandlerSet = 'fanout' | 'single' | 'guarded';

const SETS: Record<HandlerSet, Provider[]> = {
  fanout: [NoopA, NoopB, NoopC],
  single: [NoopSingle],
  guarded: [Guarded],
};

/** The handlers of the given sets; the API registers all of them (to route), a worker those it runs. */
@Module({})
export class BenchHandlersModule {
  static forSets(sets: HandlerSet[]): DynamicModule {
    return { module: BenchHandlersModule, providers: sets.flatMap((set) => SETS[set]) };
  }
}

export function parseHandlerSets(text: string | undefined): HandlerSet[] {
  const sets = (text ?? 'fanout,single,guarded').split(',').map((part) => part.trim()).filter(Boolean);
  for (const set of sets) if (!(set in SETS)) throw new Error(`unknown handler set ${set}; use fanout, single, guarded`);
  return sets as HandlerSet[];
}
