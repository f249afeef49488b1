import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isDatabaseUnavailable } from './database-errors.js';

// Messages as PgBouncer 1.18 and a hot standby send them (SQLSTATE 08P01 for
// PgBouncer's own, which Postgres also uses for real protocol errors).
const pgError = (message: string, code: string) => Object.assign(new Error(message), { code });

describe('which database errors mean "unavailable, retry"', () => {
  it('counts PgBouncer refusing or queueing too long as unavailable', () => {
    assert.ok(isDatabaseUnavailable(pgError('query_wait_timeout', '08P01')));
    assert.ok(isDatabaseUnavailable(pgError('no more connections allowed (max_client_conn)', '08P01')));
    assert.ok(isDatabaseUnavailable(pgError('pgbouncer cannot connect to server', '08P01')));
    assert.ok(isDatabaseUnavailable(pgError('server login has been failing, try again later (server_login_retry)', '08P01')));
  });

  it('counts a replica cancelling a query for recovery, and a stopped replica, as unavailable', () => {
    assert.ok(isDatabaseUnavailable(pgError('canceling statement due to conflict with recovery', '40001')));
    assert.ok(isDatabaseUnavailable(new Error('connect ECONNREFUSED 127.0.0.1:7201', { cause: { code: 'ECONNREFUSED' } })));
    assert.ok(isDatabaseUnavailable(pgError('terminating connection due to administrator command', '57P01')));
  });

  it('leaves other protocol errors and bugs as they are', () => {
    assert.ok(!isDatabaseUnavailable(pgError('prepared statement "switchyard_append_events" does not exist', '26000')));
    assert.ok(!isDatabaseUnavailable(pgError('invalid message format', '08P01')));
    assert.ok(!isDatabaseUnavailable(new TypeError('Cannot read properties of undefined')));
  });
});
