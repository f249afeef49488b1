import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { z } from 'zod';
import { EventTypes } from './event-catalog.js';

const PROTOTYPE_MEMBERS = Object.getOwnPropertyNames(Object.prototype);

describe('the event catalog as looked up', () => {
  const created = z.object({ userId: z.string() });

  it('knows only the catalog’s own types: Object.prototype’s members are unknown', () => {
    const types = new EventTypes({ 'user.created': created });
    assert.equal(types.schemaOf('user.created'), created);
    for (const name of PROTOTYPE_MEMBERS) assert.equal(types.schemaOf(name), undefined, name);
    assert.deepEqual(types.names, ['user.created']);
  });

  it('finds a type that is really named after one, declared as an own key', () => {
    const catalog = Object.fromEntries([['constructor', created], ['__proto__', created], ['b.type', created]]);
    const types = new EventTypes(catalog);
    assert.equal(types.schemaOf('constructor'), created);
    assert.equal(types.schemaOf('__proto__'), created);
    assert.deepEqual(types.names, ['__proto__', 'b.type', 'constructor']);
  });
});
