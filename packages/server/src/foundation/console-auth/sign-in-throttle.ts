import { Logger } from '@nestjs/common';
import type { RedisClient } from '../connections/redis-client.js';
import { answerWithin, RedisScript } from '../connections/redis-script.js';
import { normaliseUsername } from './console-user-store.js';

/**
 * The console's sign-in limits. Ten failures lock the account for 15 minutes;
 * every further ten (without a successful sign-in in between, and with less
 * than a day between failures) lock it twice as long, up to 4 hours. An
 * address is locked for 15 minutes after ten failures within 15 minutes, for
 * whatever usernames, and never longer: many people can share one address.
 */
export const SIGN_IN_LIMITS = {
  failures: 10,
  addressWindowMs: 15 * 60_000,
  firstLockoutMs: 15 * 60_000,
  maxLockoutMs: 4 * 3_600_000,
  accountMemoryMs: 24 * 3_600_000,
} as const;

/** Who is signing in: the username as typed (it is normalised as sign-in normalises it) and the client's address. */
export interface SignInSubjects {
  username: string;
  address: string;
}

/** Redis did not answer the throttle: sign-in must be refused, since failures can be neither checked nor counted. */
export class SignInThrottleUnavailableError extends Error {
  override readonly name = 'SignInThrottleUnavailableError';
}

// KEYS: the account's failure count, the account's lock, the address's failure count.
// An attempt is counted as a failure before its password is checked (and
// given back when it turns out right), so concurrent attempts cannot all pass
// the check before any of them is counted.
const ADMIT = new RedisScript(`
local limit = tonumber(ARGV[1])
local wait = redis.call('PTTL', KEYS[2])
if tonumber(redis.call('GET', KEYS[3]) or '0') >= limit then wait = math.max(wait, redis.call('PTTL', KEYS[3])) end
if wait > 0 then return wait end
local failures = redis.call('INCR', KEYS[1])
redis.call('PEXPIRE', KEYS[1], ARGV[5])
if failures % limit == 0 then
  local lockout = math.min(tonumber(ARGV[3]) * 2 ^ (failures / limit - 1), tonumber(ARGV[4]))
  redis.call('SET', KEYS[2], failures, 'PX', math.floor(lockout))
end
local fromAddress = redis.call('INCR', KEYS[3])
if fromAddress >= limit then redis.call('PEXPIRE', KEYS[3], ARGV[3])
elseif redis.call('PTTL', KEYS[3]) < 0 then redis.call('PEXPIRE', KEYS[3], ARGV[2]) end
return 0`);

// Same KEYS. The right password: the account starts afresh, and the address gets its attempt back.
const SUCCEEDED = new RedisScript(`
redis.call('DEL', KEYS[1], KEYS[2])
if tonumber(redis.call('GET', KEYS[3]) or '0') > 0 then redis.call('DECR', KEYS[3]) end
return 0`);

/** How long the throttle waits for Redis before refusing the sign-in. */
const TIMEOUT_MS = 1_000;
/** Addresses come from a header the client may write; a key need not hold more of one than this. */
const MAX_ADDRESS_LENGTH = 100;

/**
 * Console sign-in limits per account and per client address, kept in Redis so
 * every API process shares them. Every key has a TTL and lives under
 * QUEUE_PREFIX's hash tag (one slot on Redis Cluster): a spray of usernames
 * costs one small expiring key each and cannot touch another account's.
 */
export class SignInThrottle {
  private readonly logger = new Logger(SignInThrottle.name);
  private failing = false;

  constructor(
    private readonly redis: RedisClient,
    private readonly keyPrefix: string,
  ) {}

  /**
   * Takes one attempt: 0 when it may go on (it counts as a failure until
   * {@link succeeded}), else the milliseconds until either subject is let in
   * again (nothing is counted). Throws {@link SignInThrottleUnavailableError}
   * when Redis does not answer within a second.
   */
  async admit(subjects: SignInSubjects): Promise<number> {
    const { failures, addressWindowMs, firstLockoutMs, maxLockoutMs, accountMemoryMs } = SIGN_IN_LIMITS;
    try {
      const wait = Number(await answerWithin(ADMIT.run(this.redis, this.keys(subjects), [failures, addressWindowMs, firstLockoutMs, maxLockoutMs, accountMemoryMs]), TIMEOUT_MS));
      if (this.failing) this.logger.log('Console sign-in is back: Redis answers the throttle again');
      this.failing = false;
      return wait;
    } catch (error) {
      const message = `Console sign-in is refused while Redis does not answer its throttle: ${(error as Error).message}`;
      if (!this.failing) this.logger.warn(message);
      this.failing = true;
      throw new SignInThrottleUnavailableError(message);
    }
  }

  /** The password was right: clears the account's failures and gives the address its attempt back. */
  async succeeded(subjects: SignInSubjects): Promise<void> {
    try {
      await answerWithin(SUCCEEDED.run(this.redis, this.keys(subjects), []), TIMEOUT_MS);
    } catch (error) {
      // The user is signed in either way; their attempt merely stays counted as a failure.
      this.logger.warn(`Could not clear the sign-in failures of "${normaliseUsername(subjects.username)}": ${(error as Error).message}`);
    }
  }

  /** Lifts the account's lockout and forgets its failures (`switchyard users unlock`). */
  async unlock(username: string): Promise<void> {
    const [account, lock] = this.keys({ username, address: '' });
    await this.redis.del(account, lock);
  }

  private keys({ username, address }: SignInSubjects): [string, string, string] {
    const name = normaliseUsername(username);
    const from = address.trim().toLowerCase().slice(0, MAX_ADDRESS_LENGTH);
    const base = `${this.keyPrefix}:sign-in`;
    return [`${base}:account:${name}`, `${base}:account-lock:${name}`, `${base}:address:${from}`];
  }
}
