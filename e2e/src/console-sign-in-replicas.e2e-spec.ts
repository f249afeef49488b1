import { createRedisClient } from '@switchyard/server/internal';
import { deleteKeysUnder, freePort, queryRows, runNode, type RunningProcess, testDatabaseUrl, waitFor, waitForOutput } from '@switchyard/testing';
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { resetWithCatalogue } from './support/database.js';
import { assertThrottled, consoleUsers, PASSWORD, signIn } from './support/sign-in.js';
import { createApiKey, testEnv } from './support/stack.js';

const db = testDatabaseUrl();
const FIFTEEN_MINUTES_S = 15 * 60;

/**
 * Two API processes (as `docker compose up --scale api=2` runs them) share
 * one sign-in throttle: failures made through both add up, and a lockout
 * lasts as long as its Retry-After says, on both.
 */
describe('console sign-in throttle across two API processes', () => {
  const env = testEnv();
  const apis: Array<{ url: string; run: RunningProcess }> = [];
  const redis = createRedisClient({ redisUrl: env.REDIS_URL, redisClusterNodes: [] });
  let auth: Record<string, string>;
  /** Sign-in through API process `api` (0 or 1). */
  const attempt = (api: number, username: string, password: string, clientIp: string) => signIn(apis[api].url, auth, username, password, clientIp);

  before(async () => {
    await resetWithCatalogue(db);
    auth = { authorization: `Bearer ${await createApiKey('console', ['admin'])}` };
    await consoleUsers(['dana', 'erin']);
    const ports = new Set<number>();
    while (ports.size < 2) ports.add(await freePort());
    for (const [n, port] of [...ports].entries()) {
      const name = `api-${'ab'[n]}`;
      apis.push({ url: `http://127.0.0.1:${port}`, run: runNode('examples/shop/dist/main/api.main.js', { ...env, PORT: String(port), WORKER_ID: `${name}-${process.pid}` }) });
    }
    // Booting two Nest apps at once takes a while on a busy machine.
    await Promise.all(apis.map(({ run }, n) => waitForOutput(run, /Switchyard API listening/, `API process ${n + 1} listening`, 60_000)));
  });
  after(async () => {
    for (const { run } of apis) {
      run.child.kill('SIGTERM');
      await run.exited;
    }
    redis.disconnect();
    await deleteKeysUnder({ redisUrl: env.REDIS_URL }, env.QUEUE_PREFIX);
  });

  it('failures split across both processes lock the account on both, even against the right password, for as long as Retry-After says', async () => {
    for (let n = 1; n <= 10; n++) {
      const answer = await attempt(n % 2, 'dana', `wrong-passphrase-${n}`, `192.0.2.${n}`);
      assert.equal(answer.status, 422, `failure ${n}: ${answer.text}`);
    }
    let retryAfter = 0;
    for (const api of [0, 1]) {
      retryAfter = assertThrottled(await attempt(api, 'dana', PASSWORD, '192.0.2.200'), `api ${api}`);
      assert.ok(retryAfter > FIFTEEN_MINUTES_S - 60 && retryAfter <= FIFTEEN_MINUTES_S, `locked for 15 minutes; Retry-After ${retryAfter}`);
    }
    assert.deepEqual(await queryRows(db, "SELECT 1 FROM switchyard.console_sessions s JOIN switchyard.console_users u ON u.id = s.user_id WHERE u.username = 'dana'"), [], 'no session was made');

    const lock = `${env.QUEUE_PREFIX}:sign-in:account-lock:dana`;
    const left = await redis.pttl(lock);
    assert.ok(left <= retryAfter * 1000 && left > (retryAfter - 10) * 1000, `${lock} expires with Retry-After (${retryAfter} s); PTTL ${left} ms`);
    // The lockout's time passes: its key is aged to its last second, as the sessions spec ages session rows.
    await redis.pexpire(lock, 1_000);
    assertThrottled(await attempt(0, 'dana', PASSWORD, '192.0.2.201'), 'still locked in its last second');
    const signedIn = await waitFor('dana let in again', async () => {
      const answer = await attempt(1, 'dana', PASSWORD, '192.0.2.201');
      return answer.status === 201 ? answer : answer.status === 429 ? false : assert.fail(answer.text);
    });
    assert.ok(signedIn.body.token);
    assert.equal(await redis.exists(`${env.QUEUE_PREFIX}:sign-in:account:dana`), 0, 'and her failures are forgotten');
  });

  it('an address that failed ten times, across both processes, is refused on both for any username', async () => {
    const address = '198.51.100.9';
    for (let n = 1; n <= 10; n++) assert.equal((await attempt(n % 2, `nobody-${n}`, PASSWORD, address)).status, 422);
    for (const api of [0, 1]) assertThrottled(await attempt(api, 'erin', PASSWORD, address), `api ${api}, another user from that address`);
    assert.equal((await attempt(1, 'erin', PASSWORD, '198.51.100.10')).status, 201, 'the same user from another address is let in');
  });
});
