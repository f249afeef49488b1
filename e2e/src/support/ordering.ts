import type { BatchResult } from '@switchyard/core/contracts';
import { queryRows, testDatabaseUrl } from '@switchyard/testing';
import { workerEnvSchema } from '@switchyard/server/internal';
import assert from 'node:assert/strict';
import { OrderingHandlersModule, orderingEvents } from '../fixtures/ordering-handlers.js';
import { testEvents } from '../fixtures/test-handlers.js';
import { shopApp } from './shop.js';
import type { StackOptions, TestStack } from './stack.js';

/** A stack running the commerce handlers and the ordering fixtures. */
export function orderingStackOptions(env: Record<string, string> = {}): StackOptions {
  return {
    events: { ...testEvents, ...orderingEvents },
    handlers: (env) => shopApp(env, OrderingHandlersModule),
    // 24 jobs at once need more than the tests' default 5 connections.
    env: { DATABASE_POOL_SIZE: '30', ...env },
  };
}

export interface KeyedEvent {
  type: string;
  data: { key: string | null; n: number; ms?: number; poison?: boolean };
}

/** `count` events spread at random over `keys` keys, each numbered within its key in sending order. */
export function keyedEvents(type: string, count: number, keys: number, maxMs: number): KeyedEvent[] {
  const next = new Map<string, number>();
  return Array.from({ length: count }, () => {
    const key = `k${Math.floor(Math.random() * keys)}`;
    const n = next.get(key) ?? 0;
    next.set(key, n + 1);
    return { type, data: { key, n, ms: Math.floor(Math.random() * (maxMs + 1)) } };
  });
}

/** Posts events in batches of 1,000, one batch after the other, so sending order is acceptance order. */
export async function postInBatches(stack: TestStack, events: Array<{ type: string; data: unknown }>): Promise<void> {
  for (let start = 0; start < events.length; start += 1_000) {
    const slice = events.slice(start, start + 1_000);
    const { status, body } = await stack.post<BatchResult>('/v1/events/batch', slice);
    assert.equal(status, 207);
    assert.equal(body.accepted, slice.length, JSON.stringify(body.items.find((item) => item.outcome !== 'accepted')));
  }
}

export interface Effect {
  key: string;
  n: number;
  started_ms: number;
  finished_ms: number;
}

/** One handler's effects, in the order they were applied. */
export function effectsOf(handler: string, db = testDatabaseUrl()): Promise<Effect[]> {
  return queryRows<Effect & Record<string, unknown>>(
    db,
    'SELECT key, n, started_ms, finished_ms FROM e2e_ordering_effects WHERE handler = $1 ORDER BY id',
    [handler],
  );
}

/** Per key, the `n`s in the order their effects were applied. */
export function byKey(effects: Effect[]): Map<string, number[]> {
  const keys = new Map<string, number[]>();
  for (const effect of effects) keys.set(effect.key, [...(keys.get(effect.key) ?? []), effect.n]);
  return keys;
}

/** The most handler runs that overlapped in time, and whether two runs of one key ever did. */
export function overlap(effects: Effect[]): { maxAtOnce: number; sameKeyOverlaps: number } {
  const edges = effects.flatMap((effect) => [
    { at: effect.started_ms, delta: 1 },
    { at: effect.finished_ms, delta: -1 },
  ]);
  edges.sort((a, b) => a.at - b.at || a.delta - b.delta);
  let running = 0;
  let maxAtOnce = 0;
  for (const edge of edges) maxAtOnce = Math.max(maxAtOnce, (running += edge.delta));
  let sameKeyOverlaps = 0;
  const last = new Map<string, Effect>();
  for (const effect of effects) {
    const previous = last.get(effect.key);
    if (previous && effect.started_ms < previous.finished_ms) sameKeyOverlaps++;
    last.set(effect.key, effect);
  }
  return { maxAtOnce, sameKeyOverlaps };
}
