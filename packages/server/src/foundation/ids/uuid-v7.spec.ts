import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { uuidv7 } from './uuid-v7.js';

describe('uuidv7', () => {
  it('makes version 7 ids of the RFC 9562 variant that carry the time they were made', () => {
    const before = Date.now();
    const id = uuidv7();
    assert.match(id, /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    const msecs = parseInt(id.slice(0, 8) + id.slice(9, 13), 16);
    assert.ok(msecs >= before && msecs <= Date.now() + 1, `time ${msecs} not within the call`);
  });

  it('sorts ids in the order they were made, across refills of its random pool', () => {
    // 2,000 ids use the pool up about eight times over, most of them within one millisecond.
    const ids = Array.from({ length: 2_000 }, () => uuidv7());
    assert.equal(new Set(ids).size, ids.length, 'every id is unique');
    assert.deepEqual([...ids].sort(), ids, 'string order is creation order');
    const randomTails = new Set(ids.map((id) => id.slice(-12)));
    assert.ok(randomTails.size > 1_990, 'the random bits differ from id to id');
  });
});
