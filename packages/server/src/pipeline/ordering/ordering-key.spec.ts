import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { EventHandlerOptions } from '@switchyard/core';
import { defineHandler } from '@switchyard/core/platform';
import type { DomainEvent } from '@switchyard/core';
import { orderingKeyOf } from './ordering-key.js';

type Data = { userId?: unknown };
const base = { name: 'users.timeline', on: 'user.*', queue: 'timeline' };
const event = (data: Data): DomainEvent<Data> => ({ id: 'e1', type: 'user.created', source: 's', subject: null, time: null, data, receivedAt: '', correlationId: 'e1', causationId: null });
const define = (options: Partial<EventHandlerOptions<Data>>) => defineHandler<Data>({ ...base, ...options });

describe('ordering per key: options', () => {
  it('defaults to unordered; with a key, to proceed after a dead letter', () => {
    assert.equal(define({}).ordering, null);
    assert.equal(define({ orderingKey: (e) => String(e.data.userId) }).ordering?.afterDeadLetter, 'proceed');
    assert.equal(define({ orderingKey: (e) => String(e.data.userId), afterDeadLetter: 'block' }).ordering?.afterDeadLetter, 'block');
  });

  it('refuses, naming the handler, a key that is not a function and a policy without a key or out of its two values', () => {
    assert.throws(() => define({ orderingKey: 'userId' as never }), /users\.timeline.*orderingKey must be a function/);
    assert.throws(() => define({ afterDeadLetter: 'block' }), /afterDeadLetter needs an orderingKey/);
    assert.throws(() => define({ orderingKey: () => 'k', afterDeadLetter: 'skip' as never }), /afterDeadLetter must be "proceed" or "block"/);
  });
});

describe('ordering per key: the key of an event', () => {
  const handler = define({ orderingKey: (e) => e.data.userId as string | null | undefined });

  it('is the function’s string, or null (unordered) for null, undefined and unordered handlers', () => {
    assert.deepEqual(orderingKeyOf(handler, event({ userId: 'usr_1' })), { ok: true, key: 'usr_1' });
    assert.deepEqual(orderingKeyOf(handler, event({ userId: null })), { ok: true, key: null });
    assert.deepEqual(orderingKeyOf(handler, event({})), { ok: true, key: null });
    assert.deepEqual(orderingKeyOf(define({}), event({ userId: 'usr_1' })), { ok: true, key: null });
  });

  it('is refused with a reason when the function throws or returns a number, an empty or an overlong string', () => {
    const throwing = define({ orderingKey: () => { throw new Error('no order here'); } });
    assert.deepEqual(orderingKeyOf(throwing, event({})), { ok: false, reason: 'its orderingKey function threw: no order here' });
    assert.match((orderingKeyOf(handler, event({ userId: 42 })) as { reason: string }).reason, /returned a number/);
    assert.match((orderingKeyOf(handler, event({ userId: '' })) as { reason: string }).reason, /1 to 512 characters \(got 0\)/);
    assert.match((orderingKeyOf(handler, event({ userId: 'x'.repeat(513) })) as { reason: string }).reason, /got 513/);
  });
});
