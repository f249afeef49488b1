import { QueueKeys } from 'bullmq';
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { hashSlot } from '../../foundation/connections/hash-slot.js';
import { queueKeyPrefix } from './queue-keys.js';

describe('queueKeyPrefix', () => {
  it('keeps the shared prefix on a single server', () => {
    assert.equal(queueKeyPrefix('{switchyard}', 'images', false), '{switchyard}');
  });

  it('gives each queue its own hash tag on a cluster', () => {
    assert.equal(queueKeyPrefix('{switchyard}', 'images', true), '{switchyard:images}');
  });

  it("puts every key of a queue in one slot, and different queues' keys in different slots", () => {
    const slotsOf = (name: string) => {
      const keys = new QueueKeys(queueKeyPrefix('{switchyard}', name, true));
      const job = keys.toKey(name, 'some-job-id');
      const all = [...Object.values(keys.getKeys(name)).filter(Boolean), job, `${job}:lock`, `${job}:logs`];
      return new Set(all.map((key) => hashSlot(key)));
    };
    const queues = ['images', 'search', 'webhooks'];
    const slots = queues.map(slotsOf);
    for (const slot of slots) assert.equal(slot.size, 1);
    assert.equal(new Set(slots.map((slot) => [...slot][0])).size, queues.length);
  });
});
