import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { coreEnvSchema, loadConfig, toSwitchyardConfig } from '../config/core-config.js';
import { REDACTED, Redactor } from './redactor.js';

const PROTOTYPE_MEMBERS = Object.getOwnPropertyNames(Object.prototype);
const redactorFor = (paths: string) => new Redactor(toSwitchyardConfig(loadConfig(coreEnvSchema, { REDACT_PATHS: paths })));
const envelope = (data: string) => ({ id: 'e1', type: 'user.created', data: JSON.parse(data) as Record<string, unknown> });

describe('REDACT_PATHS with names that Object.prototype has', () => {
  it('masks nothing where the event has no own field of that name', () => {
    for (const name of PROTOTYPE_MEMBERS) {
      const redactor = redactorFor(`data.${name},data.account.${name},data.lines[].${name}`);
      const event = envelope('{"account": {"id": "usr_1"}, "lines": [{"code": "LN-1"}], "note": "secret-ish"}');
      assert.deepEqual(redactor.mask(event), event, name);
      assert.equal(redactor.maskText('usr_1 LN-1 secret-ish', event), 'usr_1 LN-1 secret-ish', name);
    }
  });

  it('masks an own field of that name, keeping it a field and every other one as it was', () => {
    for (const name of PROTOTYPE_MEMBERS) {
      const key = JSON.stringify(name);
      const redactor = redactorFor(`data.${name},data.account.${name},data.lines[].${name}`);
      const event = envelope(`{${key}: "top-secret", "account": {"id": "usr_1", ${key}: "nested-secret"}, "lines": [{"code": "LN-1", ${key}: "line-secret"}]}`);
      const before = JSON.stringify(event);
      const masked = redactor.mask(event);
      assert.equal(JSON.stringify(event), before, `${name}: the input is not changed`);
      const expected = `{"id":"e1","type":"user.created","data":{${key}:"${REDACTED}","account":{"id":"usr_1",${key}:"${REDACTED}"},"lines":[{"code":"LN-1",${key}:"${REDACTED}"}]}}`;
      assert.equal(JSON.stringify(masked), expected, name);
      assert.equal(Object.getPrototypeOf(masked.data), Object.prototype, `${name}: no prototype was set`);
      assert.equal(redactor.maskText('top-secret, nested-secret and line-secret', event), `${REDACTED}, ${REDACTED} and ${REDACTED}`, name);
    }
  });

  it('refuses an event search under such a path, and only under it', () => {
    const redactor = redactorFor('data.constructor,data.account.__proto__');
    assert.equal(redactor.coveringPath(['constructor']), 'data.constructor');
    assert.equal(redactor.coveringPath(['constructor', 'name']), 'data.constructor');
    assert.equal(redactor.coveringPath(['account', '__proto__']), 'data.account.__proto__');
    assert.equal(redactor.coveringPath(['toString']), null);
    assert.equal(redactor.coveringPath(['account', 'id']), null);
  });
});
