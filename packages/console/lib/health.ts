import type { QueueSummary } from '@switchyard/core/contracts';

export type Health = 'ok' | 'warn' | 'critical';

/**
 * How a queue is doing, read from lag as time: the oldest waiting job and
 * the time to drain. A backlog nobody consumes is critical however young.
 */
export function queueHealth(queue: Pick<QueueSummary, 'lag' | 'workers' | 'paused'>): Health {
  const { backlog, oldestWaitingAgeMs, drainTimeMs } = queue.lag;
  if (backlog > 0 && !queue.paused && queue.workers === 0) return 'critical';
  if (oldestWaitingAgeMs >= 60_000 || (drainTimeMs ?? 0) >= 600_000) return 'critical';
  if (oldestWaitingAgeMs >= 5_000 || (drainTimeMs ?? 0) >= 60_000 || (backlog > 0 && drainTimeMs === null)) return 'warn';
  return 'ok';
}

export const HEALTH_LABEL: Record<Health, string> = { ok: 'healthy', warn: 'lagging', critical: 'critical' };
