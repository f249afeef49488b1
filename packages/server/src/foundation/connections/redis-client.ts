import { Cluster, Redis } from 'ioredis';
import type { RedisNode } from '../config/core-config.js';
import { redisOptionsFromUrl } from './redis-options.js';

/** A connection to Switchyard's Redis: one server, or a Redis Cluster. */
export type RedisClient = Redis | Cluster;

/** Where Redis is: REDIS_URL, and REDIS_CLUSTER_NODES when it is a cluster. */
export interface RedisTarget {
  redisUrl: string;
  redisClusterNodes: RedisNode[];
}

/** The connection settings Switchyard tunes; each applies per node on a cluster. */
export interface RedisClientOptions {
  connectionName?: string;
  lazyConnect?: boolean;
  enableOfflineQueue?: boolean;
  /** null for BullMQ workers' connections (blocking commands). */
  maxRetriesPerRequest?: number | null;
  connectTimeout?: number;
  /** Delay before reconnect attempt `attempt`, or null to give up. */
  retryStrategy?: (attempt: number) => number | null;
}

/** True when `target` names a Redis Cluster. */
export function isCluster(target: RedisTarget): boolean {
  return target.redisClusterNodes.length > 0;
}

/**
 * Opens Redis the one way every Switchyard process does: an ioredis Cluster
 * client seeded with REDIS_CLUSTER_NODES when set (credentials and TLS from
 * REDIS_URL apply to every node), else a client of the server at REDIS_URL.
 */
export function createRedisClient(target: RedisTarget, options: RedisClientOptions = {}): RedisClient {
  const endpoint = redisOptionsFromUrl(target.redisUrl);
  if (!isCluster(target)) return new Redis({ ...endpoint, ...options });
  const { retryStrategy, enableOfflineQueue, lazyConnect, ...nodeOptions } = options;
  const { host: _host, port: _port, db: _db, ...credentials } = endpoint;
  return new Cluster(
    target.redisClusterNodes.map(({ host, port }) => ({ host, port })),
    {
      redisOptions: { ...credentials, ...nodeOptions },
      ...(retryStrategy ? { clusterRetryStrategy: (attempt: number) => retryStrategy(attempt) } : {}),
      ...(enableOfflineQueue !== undefined ? { enableOfflineQueue } : {}),
      ...(lazyConnect !== undefined ? { lazyConnect } : {}),
      // Reads go to masters: queue state must be read where it is written.
      scaleReads: 'master',
      // A failover moves slots within seconds; retry MOVED/CLUSTERDOWN for that long.
      retryDelayOnFailover: 200,
      retryDelayOnClusterDown: 200,
      retryDelayOnTryAgain: 200,
      slotsRefreshTimeout: 2_000,
      // Pick up a promoted replica even without a redirection.
      slotsRefreshInterval: 5_000,
    },
  );
}

/** The master connections of `client` (itself when it is one server). */
export function masters(client: RedisClient): Redis[] {
  return client instanceof Cluster ? client.nodes('master') : [client];
}
