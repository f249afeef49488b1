import { Inject, Injectable, Logger } from '@nestjs/common';
import { SWITCHYARD_CONFIG, type SwitchyardConfig } from '../config/core-config.js';
import { answerWithin, RedisScript } from '../connections/redis-script.js';
import { ProblemError, problems } from '../problems/problem.js';
import { RedisConnection } from '../connections/redis-connection.js';

// GCRA (a token bucket kept as one timestamp): the key holds the theoretical
// arrival time `tat` in ms. A key may burst one second's worth of events; a
// batch larger than that passes only when its bucket is full, and then puts
// the key in debt. Redis' clock is used, so every API replica agrees.
const GCRA = new RedisScript(`
local interval = tonumber(ARGV[1])
local count = tonumber(ARGV[2])
local burst = tonumber(ARGV[3])
local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
local tat = tonumber(redis.call('GET', KEYS[1]) or now)
if tat < now then tat = now end
local cost = interval * count
local wait
if cost > burst then wait = tat - now else wait = tat + cost - now - burst end
if wait > 0 then return {0, math.ceil(wait)} end
local next = tat + cost
redis.call('SET', KEYS[1], string.format('%.3f', next), 'PX', math.ceil(next - now) + 1000)
return {1, 0}`);
const BURST_MS = 1_000;
/** A limiter slower than this lets the request through rather than delay ingest. */
const TIMEOUT_MS = 250;

/** Who is ingesting: an API key (its id and own limit), or no one (AUTH_MODE=off). */
export interface Producer {
  keyId: string | null;
  /** Events per second; null: INGEST_RATE_LIMIT_PER_SEC; 0: unlimited. */
  rateLimitPerSec: number | null;
}

/**
 * Per-key ingest rate limits, counted in events (a batch of N counts N) and
 * shared by every API replica through Redis: one EVALSHA per request, on a key
 * under QUEUE_PREFIX's hash tag (so Redis Cluster works). When Redis cannot
 * answer, ingest goes on unlimited: the outbox already carries events through
 * a Redis outage, and refusing them would lose more than a limit protects.
 */
@Injectable()
export class IngestRateLimiter {
  private readonly logger = new Logger(IngestRateLimiter.name);
  private failingOpen = false;

  constructor(
    private readonly redis: RedisConnection,
    @Inject(SWITCHYARD_CONFIG) private readonly config: SwitchyardConfig,
  ) {}

  /** Takes `count` events from the producer's allowance; throws a 429 ProblemError when it is spent. */
  async take(producer: Producer, count: number): Promise<void> {
    const rate = producer.rateLimitPerSec ?? this.config.ingest.rateLimitPerSec;
    if (producer.keyId === null || rate <= 0 || count <= 0) return;
    let answer: [number, number];
    try {
      answer = await answerWithin(this.run(`${this.config.queuePrefix}:ratelimit:${producer.keyId}`, 1_000 / rate, count), TIMEOUT_MS);
      if (this.failingOpen) this.logger.log('Ingest rate limits apply again');
      this.failingOpen = false;
    } catch (error) {
      if (!this.failingOpen) this.logger.warn(`Ingest rate limits not enforced while Redis does not answer: ${(error as Error).message}`);
      this.failingOpen = true;
      return;
    }
    const [allowed, waitMs] = answer;
    if (allowed === 1) return;
    const retryAfter = Math.max(1, Math.ceil(waitMs / 1000));
    throw new ProblemError(problems.rateLimited(count, rate, retryAfter), { 'Retry-After': String(retryAfter) });
  }

  private async run(key: string, intervalMs: number, count: number): Promise<[number, number]> {
    return (await GCRA.run(this.redis.client, [key], [String(intervalMs), String(count), String(BURST_MS)])) as [number, number];
  }
}
