import { createRedisClient, masters, parseClusterNodes } from '@switchyard/server/internal';

/**
 * Deletes every key a stack with QUEUE_PREFIX `prefix` wrote: `{tag}:…` and,
 * on a cluster, the per-queue `{tag:queue}:…`. A SCAN sees one server only,
 * so on a cluster it runs on every master; keys go one UNLINK each, since
 * keys of different slots cannot share a command. Best effort: a Redis that
 * is already gone has nothing left to clean.
 */
export async function deleteKeysUnder(redis: { redisUrl: string; redisClusterNodes?: string }, prefix: string): Promise<void> {
  const client = createRedisClient(
    { redisUrl: redis.redisUrl, redisClusterNodes: parseClusterNodes(redis.redisClusterNodes ?? '') },
    { lazyConnect: true, maxRetriesPerRequest: 1, retryStrategy: () => null },
  );
  client.on('error', () => undefined);
  const tag = prefix.replace(/\}$/, '');
  try {
    await client.connect();
    for (const node of masters(client)) {
      let cursor = '0';
      do {
        const [next, keys] = await node.scan(cursor, 'MATCH', `${tag}[}:]*`, 'COUNT', 1000);
        cursor = next;
        if (keys.length === 0) continue;
        const pipeline = node.pipeline();
        for (const key of keys) pipeline.unlink(key);
        await pipeline.exec();
      } while (cursor !== '0');
    }
  } catch {
    // Nothing to clean on a stopped throwaway Redis.
  } finally {
    client.disconnect();
  }
}
