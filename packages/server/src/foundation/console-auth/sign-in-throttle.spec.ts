import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { hashSlot } from '../connections/hash-slot.js';
import { createRedisClient, type RedisClient } from '../connections/redis-client.js';
import { SIGN_IN_LIMITS, SignInThrottle, SignInThrottleUnavailableError } from './sign-in-throttle.js';

const MINUTE = 60_000;

/** The throttle's state on the shared test Redis, under a prefix of this file's own. */
describe('console sign-in throttle (in Redis)', () => {
  const prefix = `{sy-throttle-${randomBytes(4).toString('hex')}}`;
  let redis: RedisClient;
  let throttle: SignInThrottle;
  const key = (kind: 'account' | 'account-lock' | 'address', subject: string) => `${prefix}:sign-in:${kind}:${subject}`;
  /** `n` wrong passwords: each admitted, none succeeding. */
  const fail = async (n: number, username: string, address = (i: number) => `10.0.0.${i}`) => {
    for (let i = 0; i < n; i++) assert.equal(await throttle.admit({ username, address: address(i) }), 0, `attempt ${i + 1} of ${username}`);
  };

  before(() => {
    redis = createRedisClient({ redisUrl: process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379', redisClusterNodes: [] });
    throttle = new SignInThrottle(redis, prefix);
  });
  after(async () => {
    const keys = await redis.keys(`${prefix}:*`);
    if (keys.length) await redis.del(...keys);
    redis.disconnect();
  });

  it('locks an account for 15 minutes after ten failures, from any address, and counts nothing while locked', async () => {
    await fail(10, 'dana');
    const wait = await throttle.admit({ username: 'dana', address: '192.0.2.1' });
    assert.ok(wait > 15 * MINUTE - 5_000 && wait <= 15 * MINUTE, `wait ${wait}`);
    assert.equal(await redis.get(key('account', 'dana')), '10', 'the refused attempt was not counted');
    assert.equal(await throttle.admit({ username: 'erin', address: '192.0.2.1' }), 0, 'another account is not held back');
  });

  it('locks an address for 15 minutes after ten failures, for any username; nine are not enough', async () => {
    for (let i = 0; i < 10; i++) assert.equal(await throttle.admit({ username: `a-${i}`, address: '198.51.100.1' }), 0);
    const wait = await throttle.admit({ username: 'fresh-name', address: '198.51.100.1' });
    assert.ok(wait > 15 * MINUTE - 5_000 && wait <= 15 * MINUTE, `wait ${wait}`);
    for (let i = 0; i < 9; i++) assert.equal(await throttle.admit({ username: `b-${i}`, address: '198.51.100.3' }), 0);
    assert.equal(await throttle.admit({ username: 'fresh-name', address: '198.51.100.3' }), 0, 'the tenth attempt is let through');
    assert.ok((await throttle.admit({ username: 'other-name', address: '198.51.100.3' })) > 0, 'the eleventh is not');
  });

  it('counts each attempt before its password is checked: of 50 concurrent attempts on one account, ten go through', async () => {
    const waits = await Promise.all(Array.from({ length: 50 }, (_, i) => throttle.admit({ username: 'rush', address: `10.1.0.${i}` })));
    assert.equal(waits.filter((wait) => wait === 0).length, 10);
  });

  it('locks twice as long for each further ten failures, up to 4 hours; the failures are remembered for a day', async () => {
    const lockouts: number[] = [];
    for (let round = 0; round < 6; round++) {
      await fail(10, 'gus');
      const left = await redis.pttl(key('account-lock', 'gus'));
      lockouts.push(Math.round(left / MINUTE));
      assert.ok((await throttle.admit({ username: 'gus', address: '192.0.2.9' })) > 0);
      // The lockout's time passes.
      await redis.del(key('account-lock', 'gus'));
      const memory = await redis.pttl(key('account', 'gus'));
      assert.ok(memory > SIGN_IN_LIMITS.accountMemoryMs - MINUTE && memory <= SIGN_IN_LIMITS.accountMemoryMs, `failures remembered a day; PTTL ${memory}`);
    }
    assert.deepEqual(lockouts, [15, 30, 60, 120, 240, 240]);
  });

  it('an address is locked 15 minutes each time, never longer (many people may share it)', async () => {
    for (let round = 0; round < 3; round++) {
      for (let i = 0; i < 10; i++) assert.equal(await throttle.admit({ username: `shared-${round}-${i}`, address: '203.0.113.200' }), 0);
      const wait = await throttle.admit({ username: `shared-${round}-next`, address: '203.0.113.200' });
      assert.ok(wait > 15 * MINUTE - 5_000 && wait <= 15 * MINUTE, `lockout ${round + 1}: ${wait}`);
      // The lockout's time passes.
      await redis.del(key('address', '203.0.113.200'));
    }
  });

  it('the right password clears the account (even on its tenth attempt) and gives the address its attempt back', async () => {
    await fail(9, 'ivy', () => '192.0.2.77');
    assert.equal(await throttle.admit({ username: 'ivy', address: '192.0.2.77' }), 0);
    assert.ok(await redis.exists(key('account-lock', 'ivy')), 'the tenth attempt locked the account while its password was checked');
    await throttle.succeeded({ username: 'ivy', address: '192.0.2.77' });
    assert.equal(await redis.exists(key('account', 'ivy'), key('account-lock', 'ivy')), 0);
    assert.equal(await redis.get(key('address', '192.0.2.77')), '9');
    assert.equal(await throttle.admit({ username: 'ivy', address: '203.0.113.1' }), 0);
  });

  it('normalises usernames as sign-in does, and unlock lifts a lockout', async () => {
    await fail(10, ' Jo.Ann ');
    assert.ok((await throttle.admit({ username: 'jo.ann', address: '192.0.2.1' })) > 0);
    await throttle.unlock('JO.ANN');
    assert.equal(await throttle.admit({ username: 'jo.ann', address: '192.0.2.1' }), 0);
  });

  it('keeps every key in one hash slot (Redis Cluster runs the script) and every key expires on its own', async () => {
    const keys = await redis.keys(`${prefix}:sign-in:*`);
    assert.ok(keys.length > 50);
    assert.deepEqual([...new Set(keys.map(hashSlot))], [hashSlot(prefix)]);
    const ttls = await Promise.all(keys.map((each) => redis.pttl(each)));
    assert.deepEqual(keys.filter((_, i) => ttls[i] < 0), [], 'keys without a TTL');
  });

  it('refuses, rather than lets through, when Redis does not answer', async () => {
    const gone = createRedisClient({ redisUrl: 'redis://127.0.0.1:1', redisClusterNodes: [] }, { enableOfflineQueue: false, maxRetriesPerRequest: 1, retryStrategy: () => null, lazyConnect: true });
    gone.on('error', () => undefined);
    try {
      await assert.rejects(new SignInThrottle(gone, prefix).admit({ username: 'dana', address: '192.0.2.1' }), SignInThrottleUnavailableError);
    } finally {
      gone.disconnect();
    }
  });
});
