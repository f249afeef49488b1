import { createRedisClient, SignInThrottle } from '@switchyard/server/internal';
import { deleteKeysUnder, freePort, queryRows, testDatabaseUrl, testRedisUrl, uniqueQueuePrefix } from '@switchyard/testing';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { resetWithCatalogue } from './support/database.js';
import { TestStack } from './support/stack.js';

const db = testDatabaseUrl();
const cli = join(__dirname, '..', '..', 'packages', 'server', 'dist', 'surfaces', 'cli', 'users.cli.js');

function users(args: string[], password?: string, env: Record<string, string> = {}): { code: number | null; output: string } {
  const run = spawnSync(process.execPath, [cli, ...args], { env: { PATH: process.env.PATH ?? '', DATABASE_URL: db, ...env }, input: password ?? '', encoding: 'utf8' });
  return { code: run.status, output: `${run.stdout}${run.stderr}` };
}

describe('npm run users', () => {
  before(() => resetWithCatalogue(db));

  it('creates a user with a scrypt hash, lists, re-roles and disables them', async () => {
    const created = users(['create', '--username', 'Dana', '--role', 'operator', '--password-stdin'], 'a long passphrase\n');
    assert.equal(created.code, 0, created.output);
    const [row] = await queryRows<{ username: string; role: string; password_hash: string }>(db, 'SELECT username, role, password_hash FROM console_users');
    assert.deepEqual([row.username, row.role], ['dana', 'operator']);
    assert.match(row.password_hash, /^scrypt\$17\$8\$1\$/);
    assert.match(users(['list']).output, /^dana\toperator\tactive\t/m);
    assert.equal(users(['set-role', '--username', 'dana', '--role', 'viewer']).code, 0);
    assert.equal(users(['disable', '--username', 'dana']).code, 0);
    assert.match(users(['list']).output, /^dana\tviewer\tdisabled /m);
  });

  it('refuses bad input with a clear message and exit 2, writing nothing', async () => {
    const count = async () => (await queryRows<{ n: number }>(db, 'SELECT count(*)::int AS n FROM console_users'))[0].n;
    const before = await count();
    const cases: Array<[string[], string | undefined, RegExp]> = [
      [['create', '--username', 'erin', '--role', 'root', '--password-stdin'], 'a long passphrase', /role must be one of viewer, operator, admin/],
      [['create', '--username', 'bad name', '--role', 'viewer', '--password-stdin'], 'a long passphrase', /username must be/],
      [['create', '--username', 'erin', '--role', 'viewer', '--password-stdin'], 'short', /password must be at least 12 characters/],
      [['create', '--role', 'viewer'], undefined, /create needs --username/],
      [['create', '--username', 'erin', '--role', 'viewer'], undefined, /No terminal to ask for the password on/],
      [['create', '--username', 'dana', '--role', 'viewer', '--password-stdin'], 'a long passphrase', /already exists/],
      [['set-role', '--username', 'nobody', '--role', 'admin'], undefined, /No user named "nobody"/],
      [['delete', '--username', 'dana'], undefined, /Unknown command "delete"/],
      [['list', '--colour', 'red'], undefined, /Unknown option '--colour'/],
      [['unlock'], undefined, /unlock needs --username/],
      [['unlock', '--username', 'bad name'], undefined, /username must be/],
    ];
    for (const [args, password, message] of cases) {
      const run = users(args, password);
      assert.equal(run.code, 2, `${args.join(' ')}: ${run.output}`);
      assert.match(run.output, message);
    }
    assert.equal(await count(), before, 'nothing written');
  });
});

describe('npm run users -- unlock', () => {
  const prefix = uniqueQueuePrefix('unlock');
  const redis = createRedisClient({ redisUrl: testRedisUrl(), redisClusterNodes: [] });
  const throttle = new SignInThrottle(redis, prefix);
  after(async () => {
    redis.disconnect();
    await deleteKeysUnder({ redisUrl: testRedisUrl() }, prefix);
  });

  it('lifts the lockout of an account that failed to sign in ten times, and says so', async () => {
    for (let n = 0; n < 10; n++) assert.equal(await throttle.admit({ username: 'dana', address: `192.0.2.${n}` }), 0);
    assert.ok((await throttle.admit({ username: 'dana', address: '192.0.2.100' })) > 0, 'locked');
    const run = users(['unlock', '--username', 'Dana'], undefined, { REDIS_URL: testRedisUrl(), QUEUE_PREFIX: prefix });
    assert.equal(run.code, 0, run.output);
    assert.match(run.output, /"dana" may sign in again/);
    assert.equal(await throttle.admit({ username: 'dana', address: '192.0.2.100' }), 0);
  });

  it('exits 1 naming the URL when Redis does not answer', async () => {
    const port = await freePort();
    const run = users(['unlock', '--username', 'dana'], undefined, { REDIS_URL: `redis://127.0.0.1:${port}`, QUEUE_PREFIX: prefix });
    assert.equal(run.code, 1, run.output);
    assert.match(run.output, new RegExp(`Could not connect to Redis at redis://127\\.0\\.0\\.1:${port}`));
  });
});

describe('the console user API refuses bodies that are not JSON objects', () => {
  let stack: TestStack;
  before(async () => {
    await resetWithCatalogue(db);
    stack = await TestStack.start({ worker: false });
  });
  after(() => stack.close());

  // The fuzz run found PATCH with a `null` body answered 500.
  for (const [method, path] of [['PATCH', '/v1/console/users/dana'], ['POST', '/v1/console/users'], ['POST', '/v1/console/sessions']] as const) {
    it(`${method} ${path} with null, an array or a number: 400`, async () => {
      for (const body of ['null', '[]', '42']) {
        const answer = await fetch(stack.url(path), { method, headers: { ...stack.auth, 'content-type': 'application/json' }, body });
        assert.equal(answer.status, 400, `${body}: ${await answer.text()}`);
      }
    });
  }
});
