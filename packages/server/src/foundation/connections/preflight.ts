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
 * naming the URL tried and how to start the service. A read replica that does
 * not answer only warns: it serves the console's reads alone, which answer 503
 * until it is back, while ingest and the workers run on the primary; refusing
 * to boot would turn a lost replica into an outage.
 */
export async function assertServicesReachable(urls: {
  redisUrl: string;
  redisClusterNodes?: RedisNode[];
  databaseUrl: string;
  databaseReadUrl?: string | null;
}): Promise<void> {
  const target = { redisUrl: urls.redisUrl, redisClusterNodes: urls.redisClusterNodes ?? [] };
  const [redis, postgres, replica] = await Promise.all([
    checkRedis(target),
    checkPostgres(urls.databaseUrl),
    urls.databaseReadUrl ? checkReplica(urls.databaseReadUrl) : null,
  ]);
  const problems = [redis, postgres].filter((problem): problem is string => problem !== null);
  if (problems.length) throw new ServiceUnreachableError(problems.join('\n'));
  if (replica) console.warn(replica);
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
  const error = await postgresError(url);
  return error === null
    ? null
    : `Cannot reach Postgres at ${redactUrl(url)} (${error}). ` +
        'Start it with `docker compose up -d postgres` (or your local Postgres), run `switchyard migrate`, or set DATABASE_URL.';
}

async function checkReplica(url: string): Promise<string | null> {
  const error = await postgresError(url);
  return error === null
    ? null
    : `Cannot reach the read replica at ${redactUrl(url)} (${error}); starting anyway: event, dead-letter and schedule reads ` +
        'answer 503 until it does. Check DATABASE_READ_URL, or unset it to read from the primary.';
}

/** Why Postgres at `url` does not answer a query, or null when it does. */
async function postgresError(url: string): Promise<string | null> {
  const client = new Client({ connectionString: url, connectionTimeoutMillis: 3_000 });
  client.on('error', () => undefined);
  try {
    await client.connect();
    await client.query('SELECT 1');
    return null;
  } catch (error) {
    return (error as Error).message;
  } finally {
    await client.end().catch(() => undefined);
  }
}
