import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { z } from 'zod';
import { EventTypes } from './event-catalog.js';

const PROTOTYPE_MEMBERS = Object.getOwnPropertyNames(Object.prototype);

describe('the event catalog as looked up', () => {
  const placed = z.object({ orderId: z.string() });

  it('knows only the catalog’s own types: Object.prototype’s members are unknown', () => {
    const types = new EventTypes({ 'order.placed': placed });
    assert.equal(types.schemaOf('order.placed'), placed);
    for (const name of PROTOTYPE_MEMBERS) assert.equal(types.schemaOf(name), undefined, name);
    assert.deepEqual(types.names, ['order.placed']);
  });

  it('finds a type that is really named after one, declared as an own key', () => {
    const catalog = Object.fromEntries([['constructor', placed], ['__proto__', placed], ['b.type', placed]]);
    const types = new EventTypes(catalog);
    assert.equal(types.schemaOf('constructor'), placed);
    assert.equal(types.schemaOf('__proto__'), placed);
    assert.deepEqual(types.names, ['__proto__', 'b.type', 'constructor']);
  });
});
