/**
 * Where per-queue statistics live in Redis: one hash per time bucket, at two
 * resolutions. Keys carry QUEUE_PREFIX's hash tag, so on Redis Cluster they
 * all share one slot (the queues have tags of their own there) and the
 * multi-key transactions over them stay legal. Fields are `<queue>|<what>`:
 *   c completed, f failed for good, r failed and retried,
 *   w|<bin> wait-time histogram, p|<bin> processing-time histogram,
 *   b backlog sample, a oldest-waiting-age sample (ms).
 */
export const RESOLUTIONS = {
  fine: { seconds: 5, ttlSeconds: 2 * 3_600, name: '5s' },
  coarse: { seconds: 60, ttlSeconds: 8 * 86_400, name: '1m' },
} as const;

export type Resolution = (typeof RESOLUTIONS)[keyof typeof RESOLUTIONS];

/** The start (epoch seconds) of the bucket holding `ms`. */
export function bucketStart(ms: number, resolution: Resolution): number {
  return Math.floor(ms / 1000 / resolution.seconds) * resolution.seconds;
}

export function statsKey(prefix: string, resolution: Resolution, bucket: number): string {
  return `${prefix}:stats:${resolution.name}:${bucket}`;
}

export function lagKey(prefix: string, resolution: Resolution, bucket: number): string {
  return `${prefix}:lag:${resolution.name}:${bucket}`;
}
