import { Redis } from 'ioredis';
import { Client } from 'pg';
import { redactUrl } from './redact-url.js';
import { redisOptionsFromUrl } from './redis-options.js';

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
export async function assertServicesReachable(urls: { redisUrl: string; databaseUrl: string; databaseReadUrl?: string | null }): Promise<void> {
  const [redis, postgres, replica] = await Promise.all([
    checkRedis(urls.redisUrl),
    checkPostgres(urls.databaseUrl),
    urls.databaseReadUrl ? checkReplica(urls.databaseReadUrl) : null,
  ]);
  const problems = [redis, postgres].filter((problem): problem is string => problem !== null);
  if (problems.length) throw new ServiceUnreachableError(problems.join('\n'));
  if (replica) console.warn(replica);
}

async function checkRedis(url: string): Promise<string | null> {
  const redis = new Redis({
    ...redisOptionsFromUrl(url),
    lazyConnect: true,
    connectTimeout: 3_000,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
    enableOfflineQueue: false,
  });
  redis.on('error', () => undefined); // reported below, not as an unhandled event
  try {
    await redis.connect();
    await redis.ping();
    const policy = (await redis.config('GET', 'maxmemory-policy').catch(() => [])) as string[];
    if (policy[1] && policy[1] !== 'noeviction') {
      return `Redis at ${redactUrl(url)} has maxmemory-policy ${policy[1]}; BullMQ needs noeviction, or Redis may silently drop jobs. Run: redis-cli CONFIG SET maxmemory-policy noeviction`;
    }
    return null;
  } catch (error) {
    return (
      `Cannot reach Redis at ${redactUrl(url)} (${(error as Error).message}). ` +
      'Start it with `docker compose up -d redis`, or `redis-server --daemonize yes`, or set REDIS_URL.'
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
        'Start it with `docker compose up -d postgres` (or your local Postgres), run `npm run db:migrate`, or set DATABASE_URL.';
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
