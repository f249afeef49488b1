import { createRedisClient, SignInThrottle } from '@switchyard/server/internal';
import { testDatabaseUrl } from '@switchyard/testing';
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { resetWithCatalogue } from './support/database.js';
import { assertThrottled, consoleUsers, PASSWORD, signIn } from './support/sign-in.js';
import { TestStack } from './support/stack.js';

const db = testDatabaseUrl();

/**
 * An attacker who sprays usernames cannot reset the throttle of the account
 * they are after: no global limit on the throttle's size can be reached and
 * cleared, since each key expires on its own.
 */
describe('console sign-in throttle under a spray of usernames', () => {
  let stack: TestStack;
  const attempt = (username: string, password: string, clientIp: string) => signIn(stack.url(''), stack.auth, username, password, clientIp);

  before(async () => {
    await resetWithCatalogue(db);
    stack = await TestStack.start({ worker: false });
    await consoleUsers(['tess']);
  });
  after(() => stack?.close());

  it('a spray of more than 10,000 usernames does not reset the attacked account', async () => {
    // Ten guesses at tess's password lock her account, and the guesser's address.
    const sprayer = '203.0.113.66';
    for (let n = 1; n <= 10; n++) assert.equal((await attempt('tess', `wrong-passphrase-${n}`, sprayer)).status, 422);
    assertThrottled(await attempt('tess', PASSWORD, '203.0.113.2'), 'tess locked');

    // From the locked address, each further name is refused at once.
    const names = Array.from({ length: 10_001 }, (_, n) => `spray-name-${n}`);
    for (let from = 0; from < names.length; from += 50) {
      const answers = await Promise.all(names.slice(from, from + 50).map((name) => attempt(name, PASSWORD, sprayer)));
      assert.deepEqual([...new Set(answers.map((answer) => answer.status))], [429]);
    }
    // One more failure from a fresh address and name after the spray.
    assert.equal((await attempt('spray-last', PASSWORD, '203.0.113.77')).status, 422);
    assertThrottled(await attempt('tess', PASSWORD, '203.0.113.2'), 'tess still locked after the spray');

    // 10,001 failures of distinct usernames from distinct addresses, driven at the throttle's store directly (over
    // HTTP each would cost a password hash): each costs small keys with a TTL, and none evicts or resets tess's.
    const throttle = stack.api.get(SignInThrottle);
    for (let from = 0; from < names.length; from += 500) {
      const waits = await Promise.all(names.slice(from, from + 500).map((name, n) => throttle.admit({ username: `bulk-${name}`, address: `10.0.${(from + n) >> 8}.${(from + n) & 255}` })));
      assert.deepEqual([...new Set(waits)], [0]);
    }
    assertThrottled(await attempt('tess', PASSWORD, '203.0.113.3'), 'tess still locked after 10,001 failures of other names');

    const client = createRedisClient({ redisUrl: stack.env.REDIS_URL, redisClusterNodes: [] });
    try {
      let keys = 0;
      const untimed: string[] = [];
      let cursor = '0';
      do {
        const [next, found] = await client.scan(cursor, 'MATCH', `${stack.env.QUEUE_PREFIX}:sign-in:*`, 'COUNT', 1000);
        cursor = next;
        keys += found.length;
        const ttls = await Promise.all(found.map((key) => client.pttl(key)));
        untimed.push(...found.filter((_, i) => ttls[i] < 0));
      } while (cursor !== '0');
      assert.ok(keys > 20_000, `${keys} keys`);
      assert.deepEqual(untimed, [], 'every throttle key expires on its own');
    } finally {
      client.disconnect();
    }
  });
});
