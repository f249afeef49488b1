/**
 * The BullMQ prefix of one queue. BullMQ keys are `<prefix>:<queue>:<suffix>`
 * and every one of its scripts touches only one queue's keys, so the hash tag
 * in the prefix decides the slot. On a single server all queues share
 * QUEUE_PREFIX (`{switchyard}`), the key layout existing data uses. On Redis
 * Cluster each queue gets its own tag (`{switchyard:images}`): its keys stay
 * in one slot, and different queues spread over the masters instead of all
 * landing on the one that owns `{switchyard}`.
 */
export function queueKeyPrefix(queuePrefix: string, queue: string, cluster: boolean): string {
  if (!cluster) return queuePrefix;
  return `{${queuePrefix.replace(/^\{|\}$/g, '')}:${queue}}`;
}
