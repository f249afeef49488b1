import { Inject, Injectable } from '@nestjs/common';
import { Cluster } from 'ioredis';
import { SWITCHYARD_CONFIG, type SwitchyardConfig } from '../../foundation/config/core-config.js';
import { hashSlot } from '../../foundation/connections/hash-slot.js';
import { QueueRegistry } from '../queues/queue-registry.js';
import { RedisConnection } from '../../foundation/connections/redis-connection.js';

/**
 * On Redis Cluster, holds back the "published" mark of outbox rows until
 * REDIS_CLUSTER_REPLICA_ACKS replicas have their jobs. Replication is
 * asynchronous: a master killed right after an addBulk can take jobs with it
 * that its replica, now promoted, never saw. Rows marked published by then
 * would be lost; rows left unmarked are re-enqueued by the relay's sweep
 * (same job ids, so a job that did survive is not added twice).
 *
 * WAIT counts the writes of the connection it runs on, so it goes to the
 * master connection the Cluster client just wrote the queue's keys through.
 * A single server (no replicas to wait for) and REDIS_CLUSTER_REPLICA_ACKS=0
 * skip it.
 */
/**
 * After a master's replicas missed an ack, how long its publishes skip the
 * WAIT and count as unacknowledged at once. Without it, every ingest batch
 * touching a master that lost its replica would wait out PUBLISH_TIMEOUT_MS
 * before its 202; the relay probes again once this has passed.
 */
const UNACKED_COOLDOWN_MS = 1_000;

@Injectable()
export class ReplicaAck {
  /** Masters ("host:port") whose replicas missed an ack, with when to try WAIT again. */
  private readonly unacked = new Map<string, number>();

  constructor(
    private readonly redis: RedisConnection,
    private readonly queues: QueueRegistry,
    @Inject(SWITCHYARD_CONFIG) private readonly config: SwitchyardConfig,
  ) {}

  /** True when publishes must be acknowledged by replicas before rows are marked. */
  get required(): boolean {
    return this.redis.cluster && this.config.redisClusterReplicaAcks > 0;
  }

  /**
   * Runs `write` (commands on `queue`'s keys) and resolves with its result
   * once enough replicas of the master owning the queue's slot have it;
   * throws, naming the master and the count, if they do not by `deadline`
   * (epoch ms), or if the slot changed hands meanwhile (a failover: we can no
   * longer tell which master took the write, so it counts as unacknowledged).
   */
  async replicated<T>(queue: string, deadline: number, write: () => Promise<T>): Promise<T> {
    if (!this.required) return write();
    const client = this.redis.client as Cluster;
    // Any key under the queue's hash tag has the slot of the tag alone.
    const slot = hashSlot(this.queues.prefixOf(queue));
    const before = client.slots[slot]?.[0];
    const result = await write();
    const owner = client.slots[slot]?.[0];
    const master = client.nodes('master').find((node) => `${node.options.host}:${node.options.port}` === owner);
    if (!owner || !master || owner !== before) {
      throw new Error(`Queue ${queue}'s slot ${slot} moved from ${before ?? 'no master'} to ${owner ?? 'no master'} while publishing; leaving its jobs to the relay`);
    }
    const wanted = this.config.redisClusterReplicaAcks;
    if ((this.unacked.get(owner) ?? 0) > Date.now()) {
      throw new Error(`Replicas of Redis master ${owner} missed an ack less than ${UNACKED_COOLDOWN_MS} ms ago; leaving queue ${queue}'s jobs to the relay`);
    }
    // WAIT 0 would block for ever: an exhausted budget is a missed ack.
    const timeoutMs = Math.floor(deadline - Date.now());
    const acked = timeoutMs < 1 ? 0 : await master.wait(wanted, timeoutMs);
    if (acked < wanted) {
      this.unacked.set(owner, Date.now() + UNACKED_COOLDOWN_MS);
      throw new Error(`Only ${acked} of ${wanted} replicas of Redis master ${owner} acknowledged queue ${queue}'s jobs within ${Math.max(timeoutMs, 0)} ms`);
    }
    this.unacked.delete(owner);
    return result;
  }
}
