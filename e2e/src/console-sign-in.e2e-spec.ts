import type { Problem } from '@switchyard/core/contracts';
import { verifyPassword } from '@switchyard/server/internal';
import { queryRows, testDatabaseUrl, ThrowawayRedis, waitFor } from '@switchyard/testing';
import assert from 'node:assert/strict';
import { randomBytes, scrypt } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { resetWithCatalogue } from './support/database.js';
import { consoleUsers, PASSWORD } from './support/sign-in.js';
import { TestStack } from './support/stack.js';

const db = testDatabaseUrl();

/** A hash as the console stored them before scrypt's cost was raised: N = 2^15, r = 8, p = 1. */
async function olderHash(password: string): Promise<string> {
  const salt = randomBytes(16);
  const key = await new Promise<Buffer>((resolve, reject) =>
    scrypt(password, salt, 32, { N: 2 ** 15, r: 8, p: 1, maxmem: 64 * 1024 * 1024 }, (error, derived) => (error ? reject(error) : resolve(derived))),
  );
  return ['scrypt', 15, 8, 1, salt.toString('base64'), key.toString('base64')].join('$');
}

const storedHash = async (username: string) =>
  (await queryRows<{ password_hash: string }>(db, 'SELECT password_hash FROM switchyard.console_users WHERE username = $1', [username]))[0].password_hash;

describe('console sign-in replaces password hashes of an older cost', () => {
  let stack: TestStack;
  const signIn = (username: string) => stack.post<Problem>('/v1/console/sessions', { username, password: PASSWORD, clientIp: '192.0.2.50' });

  before(async () => {
    await resetWithCatalogue(db);
    stack = await TestStack.start({ worker: false });
    await consoleUsers(['olga', 'otto']);
    for (const username of ['olga', 'otto']) await queryRows(db, 'UPDATE switchyard.console_users SET password_hash = $2 WHERE username = $1', [username, await olderHash(PASSWORD)]);
  });
  after(() => stack?.close());

  it('a user whose hash has the older cost signs in, and the stored hash is then N = 2^17 and still verifies', async () => {
    assert.match(await storedHash('olga'), /^scrypt\$15\$8\$1\$/);
    assert.equal((await signIn('olga')).status, 201);
    const rehashed = await storedHash('olga');
    assert.match(rehashed, /^scrypt\$17\$8\$1\$[A-Za-z0-9+/=]{24}\$[A-Za-z0-9+/=]{44}$/);
    assert.equal(await verifyPassword(PASSWORD, rehashed), true);
    assert.equal(await verifyPassword('another-long-passphrase', rehashed), false);
    assert.equal((await signIn('olga')).status, 201, 'and signs in with it');
    assert.equal(await storedHash('olga'), rehashed, 'a current hash is left as it is');
  });

  it('a rehash that cannot be stored does not fail the sign-in', async () => {
    await queryRows(
      db,
      `CREATE FUNCTION refuse_hash_change() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'password hashes are read-only here'; END $$;
       CREATE TRIGGER refuse_hash_change BEFORE UPDATE OF password_hash ON switchyard.console_users FOR EACH ROW EXECUTE FUNCTION refuse_hash_change();`,
    );
    try {
      const before = await storedHash('otto');
      const answer = await signIn('otto');
      assert.equal(answer.status, 201, answer.text);
      assert.equal(await storedHash('otto'), before);
    } finally {
      await queryRows(db, 'DROP TRIGGER refuse_hash_change ON switchyard.console_users; DROP FUNCTION refuse_hash_change();');
    }
  });
});

describe('console sign-in while Redis is down', () => {
  let redis: ThrowawayRedis;
  let stack: TestStack;
  const signIn = () => stack.post<Problem>('/v1/console/sessions', { username: 'rhea', password: PASSWORD, clientIp: '192.0.2.9' });

  before(async () => {
    await resetWithCatalogue(db);
    redis = await ThrowawayRedis.start();
    stack = await TestStack.start({ worker: false, env: { REDIS_URL: redis.url } });
    await consoleUsers(['rhea']);
  });
  after(async () => {
    await stack?.close();
    await redis?.dispose();
  });

  it('is refused with a 503 problem and Retry-After (the throttle can neither check nor count), even with the right password, until Redis is back', async () => {
    await redis.stop();
    const refused = await signIn();
    assert.equal(refused.status, 503, refused.text);
    assert.match(refused.headers.get('content-type') ?? '', /application\/problem\+json/);
    assert.ok(Number(refused.headers.get('retry-after')) >= 1, `Retry-After ${refused.headers.get('retry-after')}`);
    assert.match(refused.body.detail ?? '', /Redis/);
    assert.deepEqual(await queryRows(db, 'SELECT 1 FROM switchyard.console_sessions'), [], 'no session was made');

    await redis.start();
    await waitFor('signed in once Redis is back', async () => (await signIn()).status === 201, { timeoutMs: 20_000, intervalMs: 200 });
  });
});
