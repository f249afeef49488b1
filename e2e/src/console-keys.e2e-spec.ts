import { queryRows, testDatabaseUrl, waitFor } from '@switchyard/testing';
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { resetWithCatalogue } from './support/database.js';
import { TestStack } from './support/stack.js';

const db = testDatabaseUrl();

/**
 * The API the console's Keys page calls (admin scope; the console sends the
 * signed-in user as X-Actor): the same store and checks as `npm run keys`,
 * every change audited in the statement that makes it.
 */
describe('console key API (/v1/console/keys)', () => {
  let stack: TestStack;
  before(async () => {
    await resetWithCatalogue(db);
    stack = await TestStack.start({ worker: false });
  });
  after(() => stack.close());

  const call = async (method: string, path: string, body?: unknown, headers: Record<string, string> = {}) => {
    const answer = await fetch(stack.url(path), {
      method,
      headers: { ...stack.auth, 'x-actor': 'ada', ...(body !== undefined ? { 'content-type': 'application/json' } : {}), ...headers },
      body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
    });
    const text = await answer.text();
    return { status: answer.status, body: text ? JSON.parse(text) : null, type: answer.headers.get('content-type') ?? '' };
  };
  const keyCount = async () => (await queryRows<{ n: number }>(db, 'SELECT count(*)::int AS n FROM switchyard.api_keys'))[0].n;
  const auditCount = async () => (await queryRows<{ n: number }>(db, "SELECT count(*)::int AS n FROM switchyard.audit_log WHERE action LIKE 'api-key.%'"))[0].n;

  it('creates a key whose token works at once, shows it in the answer only, and audits the signed-in user', async () => {
    const created = await call('POST', '/v1/console/keys', { name: 'checkout', scopes: ['events:write', 'ops:read'], rateLimitPerSec: 50 });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    assert.match(created.body.token, new RegExp(`^sy_${created.body.key.prefix}_[A-Za-z0-9_-]{43}$`));
    assert.deepEqual([created.body.key.name, created.body.key.scopes, created.body.key.rateLimitPerSec, created.body.key.revokedAt], ['checkout', ['events:write', 'ops:read'], 50, null]);
    const withIt = await fetch(stack.url('/v1/queues'), { headers: { authorization: `Bearer ${created.body.token}` } });
    assert.equal(withIt.status, 200);

    const listed = await call('GET', '/v1/console/keys');
    const row = listed.body.find((key: { name: string }) => key.name === 'checkout');
    assert.equal(row.prefix, created.body.key.prefix);
    assert.ok(!JSON.stringify(listed.body).includes(created.body.token.slice(12)), 'the list carries no secret');
    assert.deepEqual(await queryRows(db, "SELECT actor, action, target, detail->'scopes' AS scopes FROM switchyard.audit_log WHERE action = 'api-key.create'"), [
      { actor: 'ada', action: 'api-key.create', target: 'api-key:checkout', scopes: ['events:write', 'ops:read'] },
    ]);
  });

  it('refuses bad input with a 400 naming the problem, writing nothing', async () => {
    const [keys, audits] = [await keyCount(), await auditCount()];
    const cases: Array<[unknown, RegExp]> = [
      [{ name: 'bad name', scopes: ['admin'] }, /name must be 1 to 64/],
      [{ name: 'x', scopes: ['events:write', 'root'] }, /Unknown scope "root"/],
      [{ name: 'x', scopes: [] }, /at least one of/],
      [{ name: 'x', scopes: 'admin' }, /scopes must be an array/],
      [{ name: 'x', scopes: [1] }, /scopes must be an array/],
      [{ name: 42, scopes: ['admin'] }, /name must be a string/],
      [{ name: 'x', scopes: ['admin'], rateLimitPerSec: -1 }, /rate limit must be a whole number/],
      [{ name: 'x', scopes: ['admin'], rateLimitPerSec: 1.5 }, /rate limit must be a whole number/],
      [{ name: 'x', scopes: ['admin'], rateLimitPerSec: '5' }, /rateLimitPerSec must be a number/],
      [{ name: 'checkout', scopes: ['admin'] }, /A key named "checkout" already exists/],
      ['null', /must be a JSON object/],
      ['[]', /must be a JSON object/],
      ['{"name":', /not valid JSON/],
    ];
    for (const [body, message] of cases) {
      const answer = await call('POST', '/v1/console/keys', body);
      assert.equal(answer.status, 400, `${JSON.stringify(body)}: ${JSON.stringify(answer.body)}`);
      assert.match(answer.type, /application\/problem\+json/);
      assert.match(answer.body.detail, message);
    }
    assert.equal(await keyCount(), keys, 'no key written');
    assert.equal(await auditCount(), audits, 'no audit row written');
  });

  it('revokes a key (audited): the API refuses it within the cache window; again is a 409, unknown a 404', async () => {
    const created = await call('POST', '/v1/console/keys', { name: 'soon-gone', scopes: ['ops:read'] });
    const revoked = await call('POST', '/v1/console/keys/soon-gone/revoke');
    assert.equal(revoked.status, 200, JSON.stringify(revoked.body));
    assert.ok(revoked.body.revokedAt, 'revokedAt is set');
    await waitFor('the revoked token to be refused', async () => (await fetch(stack.url('/v1/queues'), { headers: { authorization: `Bearer ${created.body.token}` } })).status === 401, { timeoutMs: 15_000, intervalMs: 250 });
    assert.deepEqual(await queryRows(db, "SELECT actor, target FROM switchyard.audit_log WHERE action = 'api-key.revoke'"), [{ actor: 'ada', target: 'api-key:soon-gone' }]);

    const audits = await auditCount();
    const again = await call('POST', '/v1/console/keys/soon-gone/revoke');
    assert.equal(again.status, 409);
    assert.match(again.body.detail, /already revoked at/);
    const unknown = await call('POST', '/v1/console/keys/nobody/revoke');
    assert.equal(unknown.status, 404);
    assert.match(unknown.body.detail, /No key named "nobody"/);
    assert.equal(await auditCount(), audits, 'refusals are not audited as revocations');
  });

  it('will not revoke the key making the request (the console would lock everyone out)', async () => {
    const [{ name }] = await queryRows<{ name: string }>(db, "SELECT name FROM switchyard.api_keys WHERE name LIKE 'test-admin-%'");
    const answer = await call('POST', `/v1/console/keys/${name}/revoke`);
    assert.equal(answer.status, 409);
    assert.match(answer.body.detail, /the key making this request/);
    assert.deepEqual(await queryRows(db, 'SELECT revoked_at FROM switchyard.api_keys WHERE name = $1', [name]), [{ revoked_at: null }]);
  });

  it('console user changes are audited under the signed-in user too', async () => {
    assert.equal((await call('POST', '/v1/console/users', { username: 'omar', password: 'omar-long-passphrase', role: 'operator' })).status, 201);
    assert.equal((await call('PATCH', '/v1/console/users/omar', { role: 'viewer' })).status, 200);
    const signedIn = await call('POST', '/v1/console/sessions', { username: 'omar', password: 'omar-long-passphrase', clientIp: 'keys-spec' });
    assert.equal(signedIn.status, 201);
    assert.equal((await call('PATCH', '/v1/console/users/omar', { disabled: true })).status, 200);
    assert.equal((await call('GET', '/v1/console/session', undefined, { 'x-console-session': signedIn.body.token })).status, 404, 'disabling ends the session at once');
    assert.deepEqual(await queryRows(db, "SELECT 1 FROM switchyard.console_sessions s JOIN switchyard.console_users u ON u.id = s.user_id WHERE u.username = 'omar'"), []);
    assert.equal((await call('PATCH', '/v1/console/users/nobody', { role: 'viewer' })).status, 400);
    assert.deepEqual(await queryRows(db, "SELECT actor, action, target FROM switchyard.audit_log WHERE action LIKE 'console-user.%' ORDER BY id"), [
      { actor: 'ada', action: 'console-user.create', target: 'console-user:omar' },
      { actor: 'ada', action: 'console-user.set-role', target: 'console-user:omar' },
      { actor: 'ada', action: 'console-user.disable', target: 'console-user:omar' },
    ]);
  });
});
