import type { AcceptedEvent } from '@switchyard/core/contracts';
import { get, waitFor } from '@switchyard/testing';
import { Redis } from 'ioredis';
import type { FaultStack, StackProcess } from './fault-stack.js';

/**
 * What the replicas scenarios read besides the checker's tables: who holds a
 * bulk operation's lease, how often BullMQ was handed each job, what the
 * time series counted, which ticks a schedule emitted. All of it from the
 * scenario's own Postgres and Redis.
 */

/** The lease owner a fault API printed when it started (`<WORKER_ID>#<random>`). */
export function leaseOwnerOf(api: StackProcess): string {
  const owner = /lease owner (\S+)\)/.exec(api.output())?.[1];
  if (!owner) throw new Error(`${api.name} printed no lease owner:\n${api.output()}`);
  return owner;
}

export interface OperationRow extends Record<string, unknown> {
  status: string;
  matched: number;
  done: number;
  failed: number;
  lease_owner: string | null;
}

export async function operationRow(stack: FaultStack, id: string): Promise<OperationRow> {
  const [row] = await stack.query<OperationRow>('SELECT status, matched, done, failed, lease_owner FROM switchyard.operations WHERE id = $1', [id]);
  return row;
}

/**
 * Per dead letter an operation matched: its status, how many redrives it
 * had, and how many `retry` actions its trail holds. "Retried exactly once"
 * is 1 and 1.
 */
export async function retriesPerDeadLetter(stack: FaultStack, operationId: string): Promise<Array<{ id: string; status: string; redrives: number; retries: number }>> {
  return stack.query(
    `SELECT d.id::text AS id, d.status, d.redrives,
            (SELECT count(*)::int FROM switchyard.dead_letter_actions a WHERE a.dead_letter_id = d.id AND a.action = 'retry') AS retries
     FROM switchyard.operation_items i JOIN switchyard.dead_letters d ON d.id = i.item_id
     WHERE i.operation_id = $1 ORDER BY i.seq`,
    [operationId],
  );
}

/**
 * How many times BullMQ was handed each job: its `added` and `duplicated`
 * events in the queue's event stream (an add of an id BullMQ still holds is
 * `duplicated`; one it had dropped is a second `added`).
 */
export async function handedToBullmq(stack: FaultStack, queueName: string): Promise<Map<string, { added: number; duplicated: number }>> {
  const client = new Redis({ host: '127.0.0.1', port: stack.redis.port, maxRetriesPerRequest: 1 });
  const entries = await client.xrange(`${stack.env.QUEUE_PREFIX}:${queueName}:events`, '-', '+').finally(() => client.disconnect());
  const counts = new Map<string, { added: number; duplicated: number }>();
  for (const [, fields] of entries) {
    const event = Object.fromEntries(fields.flatMap((value, index) => (index % 2 === 0 ? [[value, fields[index + 1]]] : [])));
    if (event.event !== 'added' && event.event !== 'duplicated') continue;
    const entry = counts.get(event.jobId) ?? { added: 0, duplicated: 0 };
    entry[event.event as 'added' | 'duplicated']++;
    counts.set(event.jobId, entry);
  }
  return counts;
}

/** Completions of `queueName` the time series holds, summed over every bucket of each resolution. */
export async function completionsCounted(stack: FaultStack, queueName: string): Promise<{ fine: number; coarse: number }> {
  const client = new Redis({ host: '127.0.0.1', port: stack.redis.port, maxRetriesPerRequest: 1 });
  try {
    const sum = async (resolution: string) => {
      const keys = await client.keys(`${stack.env.QUEUE_PREFIX}:stats:${resolution}:*`);
      const values = await Promise.all(keys.map((key) => client.hget(key, `${queueName}|c`)));
      return values.reduce((total, value) => total + Number(value ?? 0), 0);
    };
    return { fine: await sum('5s'), coarse: await sum('1m') };
  } finally {
    client.disconnect();
  }
}

/** The events a schedule emitted, one row per event, with the tick it stands for and the replica that fired it. */
export async function scheduleEvents(stack: FaultStack, name: string): Promise<Array<{ event_id: string; tick: Date; fired_by: string }>> {
  return stack.query(
    `SELECT id::text AS event_id, time AS tick, extensions->>'firedby' AS fired_by FROM switchyard.events
     WHERE extensions->>'schedule' = $1 ORDER BY time, id`,
    [name],
  );
}

/** Events not accepted over HTTP (a schedule's, say) as the checker takes them: each with its jobs. */
export async function storedAsAccepted(stack: FaultStack, eventIds: string[]): Promise<AcceptedEvent[]> {
  const rows = await stack.query<{ event_id: string; id: string; handler: string }>(
    "SELECT event_id::text AS event_id, id, handler FROM switchyard.jobs WHERE event_id = ANY($1::uuid[]) AND kind = 'fanout'",
    [eventIds],
  );
  return eventIds.map((eventId) => ({
    eventId,
    type: 'fault.task',
    duplicate: false,
    jobs: rows.filter((row) => row.event_id === eventId).map((row) => ({ id: row.id, handler: row.handler, queue: '' })),
  }));
}

/** Waits until the API answers its readiness probe (its Redis and Postgres reachable). */
export async function apiReady(api: StackProcess): Promise<void> {
  await waitFor(`${api.name} ready`, async () => (await get(`${api.url}/health/ready`)).status === 200, { timeoutMs: 15_000, intervalMs: 50 });
}
