import { ConfigError } from '../../foundation/config/core-config.js';
import type { QueueSettings } from '../handlers/handler-registry.js';

/**
 * The queues a worker process consumes: all of them, or the ones it was told
 * (`WORKER_QUEUES`, `--queues images,search`) so a hot handler gets a pool
 * of its own. A name no handler uses is refused rather than ignored: a typo
 * would otherwise leave that worker idle and its queue unserved, silently.
 */
export function selectQueues(available: QueueSettings[], wanted: string[]): QueueSettings[] {
  if (wanted.length === 0) return available;
  const known = new Map(available.map((queue) => [queue.name, queue]));
  const unknown = wanted.filter((name) => !known.has(name));
  if (unknown.length > 0) {
    const names = [...known.keys()].sort();
    throw new ConfigError(
      `WORKER_QUEUES (--queues) names ${unknown.length === 1 ? 'a queue' : 'queues'} no handler in this worker uses: ` +
        `${unknown.map((name) => `"${name}"`).join(', ')}. Known queues: ${names.join(', ') || 'none (no handlers loaded)'}`,
    );
  }
  return wanted.map((name) => known.get(name)!);
}
