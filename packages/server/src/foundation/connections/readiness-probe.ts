import { Injectable } from '@nestjs/common';
import { PrismaService } from '../../db/index.js';
import { RedisConnection } from './redis-connection.js';

export interface Readiness {
  ready: boolean;
  checks: { redis: 'up' | 'down'; postgres: 'up' | 'down' };
}

/** Whether this process can do its work: both Redis and Postgres answer. */
@Injectable()
export class ReadinessProbe {
  constructor(
    private readonly redis: RedisConnection,
    private readonly prisma: PrismaService,
  ) {}

  async check(): Promise<Readiness> {
    const [redis, postgres] = await Promise.all([
      within(1_000, this.redis.client.ping()).then(() => 'up' as const, () => 'down' as const),
      within(1_000, this.prisma.$queryRaw`SELECT 1`).then(() => 'up' as const, () => 'down' as const),
    ]);
    return { ready: redis === 'up' && postgres === 'up', checks: { redis, postgres } };
  }
}

function within<T>(ms: number, work: Promise<T>): Promise<T> {
  return Promise.race([work, new Promise<never>((_, reject) => setTimeout(() => reject(new Error('timeout')), ms).unref())]);
}
