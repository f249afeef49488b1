import { randomBytes } from 'node:crypto';

/** The database tests use; `npm test` creates and migrates it. Never the development database. */
export function testDatabaseUrl(): string {
  return process.env.TEST_DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/switchyard_test';
}

/** The shared Redis; every test stack uses its own key prefix on it. */
export function testRedisUrl(): string {
  return process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
}

/**
 * REDIS_CLUSTER_NODES for test stacks: set (TEST_REDIS_CLUSTER_NODES, by the
 * "specs on Redis Cluster" lane of `npm test`), stacks run on that cluster
 * instead of the shared server.
 */
export function testRedisClusterNodes(): string {
  return process.env.TEST_REDIS_CLUSTER_NODES ?? '';
}

/** A hash-tagged queue prefix no other test uses, so stacks never see each other's jobs. */
export function uniqueQueuePrefix(label = 'test'): string {
  return `{sy-${label}-${randomBytes(4).toString('hex')}}`;
}
