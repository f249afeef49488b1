import { Client } from 'pg';
import type { RedisNode } from '../config/core-config.js';
import { redactUrl } from './redact-url.js';
import { createRedisClient, isCluster, masters, type RedisTarget } from './redis-client.js';

/** A service the process needs does not answer; the message says how to fix it. */
export class ServiceUnreachableError extends Error {
  override readonly name = 'ServiceUnreachableError';
}

/**
 * Fails fast, before the app boots, when Redis or Postgres does not answer,
 * naming the URL tried and how to start the service.
 */
export async function assertServicesReachable(urls: { redisUrl: string; redisClusterNodes?: RedisNode[]; databaseUrl: string }): Promise<void> {
  const redis = { redisUrl: urls.redisUrl, redisClusterNodes: urls.redisClusterNodes ?? [] };
  const problems = (await Promise.all([checkRedis(redis), checkPostgres(urls.databaseUrl)])).filter(
    (problem): problem is string => problem !== null,
  );
  if (problems.length) throw new ServiceUnreachableError(problems.join('\n'));
}

async function checkRedis(target: RedisTarget): Promise<string | null> {
  const cluster = isCluster(target);
  const where = cluster ? `Redis Cluster ${target.redisClusterNodes.map(({ host, port }) => `${host}:${port}`).join(',')}` : `Redis at ${redactUrl(target.redisUrl)}`;
  const redis = createRedisClient(target, {
    lazyConnect: true,
    connectTimeout: 3_000,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
    enableOfflineQueue: false,
  });
  redis.on('error', () => undefined); // reported below, not as an unhandled event
  try {
    await redis.connect();
    // Every master holds queues on a cluster: one evicting master loses jobs as surely as one server would.
    for (const node of masters(redis)) {
      await node.ping();
      const policy = (await node.config('GET', 'maxmemory-policy').catch(() => [])) as string[];
      if (policy[1] && policy[1] !== 'noeviction') {
        const at = cluster ? `Redis master ${node.options.host}:${node.options.port}` : where;
        return `${at} has maxmemory-policy ${policy[1]}; BullMQ needs noeviction, or Redis may silently drop jobs. Run: redis-cli${cluster ? ` -h ${node.options.host} -p ${node.options.port}` : ''} CONFIG SET maxmemory-policy noeviction`;
      }
    }
    return null;
  } catch (error) {
    return (
      `Cannot reach ${where} (${(error as Error).message}). ` +
      (cluster
        ? 'Check that the nodes in REDIS_CLUSTER_NODES answer and that the cluster reports cluster_state:ok (redis-cli -c -h <node> CLUSTER INFO).'
        : 'Start it with `docker compose up -d redis`, or `redis-server --daemonize yes`, or set REDIS_URL.')
    );
  } finally {
    redis.disconnect();
  }
}

async function checkPostgres(url: string): Promise<string | null> {
  const client = new Client({ connectionString: url, connectionTimeoutMillis: 3_000 });
  client.on('error', () => undefined);
  try {
    await client.connect();
    await client.query('SELECT 1');
    return null;
  } catch (error) {
    return (
      `Cannot reach Postgres at ${redactUrl(url)} (${(error as Error).message}). ` +
      'Start it with `docker compose up -d postgres` (or your local Postgres), run `npm run db:migrate`, or set DATABASE_URL.'
    );
  } finally {
    await client.end().catch(() => undefined);
  }
}
