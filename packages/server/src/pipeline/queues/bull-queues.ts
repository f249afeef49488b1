import { BullModule, getQueueToken } from '@nestjs/bullmq';
import type { DynamicModule, Provider } from '@nestjs/common';
import type { Queue } from 'bullmq';
import type { SwitchyardConfig } from '../../foundation/config/core-config.js';
import type { JobPayload } from './job-payload.js';
import { BullModuleConnection } from './bull-module-connection.js';
import { queueKeyPrefix } from './queue-keys.js';
import { RedisConnection } from '../../foundation/connections/redis-connection.js';

/** Switchyard's queues as @nestjs/bullmq made them, by name. */
export type BullQueues = ReadonlyMap<string, Queue<JobPayload>>;

/** Injects the BullQueues map. */
export const BULL_QUEUES = Symbol('switchyard:bull-queues');

/**
 * @nestjs/bullmq, set up for Switchyard and for the app beside it. Each of
 * Switchyard's `queues` is registered (`BullModule.registerQueueAsync`) over
 * the shared connection and under the prefix Switchyard's workers use, so
 * `@InjectQueue(name)` anywhere in the app injects the very Queue Switchyard
 * publishes to (QueueRegistry takes these instances). Queues the app
 * registers itself get the shared configuration (`BullModule.forRootAsync`):
 * Switchyard's Redis and QUEUE_PREFIX, over BullModuleConnection.
 */
export function bullQueuesFor(config: SwitchyardConfig, queues: string[]): { imports: DynamicModule[]; providers: Provider[] } {
  return {
    imports: [
      BullModule.forRootAsync({
        inject: [BullModuleConnection],
        useFactory: (bull: BullModuleConnection) => ({ connection: bull.client, prefix: config.queuePrefix }),
      }),
      BullModule.registerQueueAsync(
        ...queues.map((name) => ({
          name,
          inject: [RedisConnection],
          useFactory: (redis: RedisConnection) => ({ connection: redis.client, prefix: queueKeyPrefix(config.queuePrefix, name, redis.cluster) }),
        })),
      ),
    ],
    providers: [
      BullModuleConnection,
      {
        provide: BULL_QUEUES,
        inject: queues.map((name) => getQueueToken(name)),
        useFactory: (...registered: Array<Queue<JobPayload>>): BullQueues => new Map(queues.map((name, index) => [name, registered[index]!])),
      },
    ],
  };
}
