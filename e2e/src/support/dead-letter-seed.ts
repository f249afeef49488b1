import { errorFingerprint } from '@switchyard/server/internal';
import { queryRows } from '@switchyard/testing';
import { randomUUID } from 'node:crypto';

const SHAPES = [
  (i: number) => `Gateway timeout after ${1_000 + i} ms for ch_${i}`,
  (i: number) => `Card ${i} declined for "cus_${i}"`,
  (i: number) => `Unknown SKU SKU-${i} in order ord_${i}`,
  (i: number) => `Connection reset by peer (errno ${i})`,
];

/**
 * Stores `count` dead letters of handler `seed.handler` directly, with known
 * proportions: queue seed-a/seed-b alternating, event type seed.even/seed.odd,
 * every 10th discarded, four error shapes in turn, customer cus_<i mod 1000>x
 * in the payload, one second apart. Fingerprints are computed as the worker does.
 */
export async function seedDeadLetters(url: string, count: number): Promise<void> {
  const now = Date.now();
  const rows = Array.from({ length: count }, (_, i) => {
    const eventId = randomUUID();
    const message = SHAPES[i % 4](i);
    const lastFailedAt = new Date(now - (i + 1) * 1_000).toISOString();
    return {
      id: randomUUID(),
      job_id: `${eventId}.seed.handler`,
      event_id: eventId,
      event_type: i % 2 === 0 ? 'seed.even' : 'seed.odd',
      queue: i % 2 === 0 ? 'seed-a' : 'seed-b',
      payload: { id: eventId, type: 'seed', data: { customer: { id: `cus_${i % 1000}x` }, n: i } },
      error_message: message,
      fingerprint: errorFingerprint('seed.handler', 'SeedError', message),
      status: i % 10 === 0 ? 'discarded' : 'open',
      first_failed_at: new Date(now - (i + 1) * 1_000 - 10_000).toISOString(),
      last_failed_at: lastFailedAt,
    };
  });
  await queryRows(
    url,
    `INSERT INTO switchyard.dead_letters (id, job_id, event_id, event_type, handler, queue, payload, error_name, error_message, fingerprint,
                               attempts_made, first_failed_at, last_failed_at, status)
     SELECT id, job_id, event_id, event_type, 'seed.handler', queue, payload, 'SeedError', error_message, fingerprint,
            3, first_failed_at, last_failed_at, status
     FROM jsonb_to_recordset($1::jsonb) AS x(id uuid, job_id text, event_id uuid, event_type text, queue text, payload jsonb,
                                           error_message text, fingerprint text, status text, first_failed_at timestamptz, last_failed_at timestamptz)`,
    [JSON.stringify(rows)],
  );
}
