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

  it('refuses, naming the handler, a key that is neither a path nor a function, and a policy without a key or out of its two values', () => {
    assert.throws(() => define({ orderingKey: 'userId' as never }), /users\.timeline.*orderingKey "userId" must be "subject", "source", "type", "correlationId" or a dotted path into the data/);
    assert.throws(() => define({ orderingKey: 'data.' as never }), /orderingKey "data\." must be/);
    assert.throws(() => define({ orderingKey: 42 as never }), /orderingKey must be a path into the event/);
    assert.throws(() => define({ afterDeadLetter: 'block' }), /afterDeadLetter needs an orderingKey/);
    assert.throws(() => define({ orderingKey: () => 'k', afterDeadLetter: 'skip' as never }), /afterDeadLetter must be "proceed" or "block"/);
  });
});

describe('ordering per key: a key read at a path', () => {
  type Nested = { customer?: { id?: unknown } };
  const at = (path: string) => defineHandler<Nested>({ ...base, orderingKey: path as never });
  const nested = (data: unknown) => ({ ...event({}), data }) as DomainEvent<Nested>;

  it('reads the data at the path, a number as its decimal string, and the envelope fields by name', () => {
    assert.deepEqual(at('data.customer.id').ordering?.path, 'data.customer.id');
    assert.deepEqual(orderingKeyOf(at('data.customer.id'), nested({ customer: { id: 'cus_1' } })), { ok: true, key: 'cus_1' });
    assert.deepEqual(orderingKeyOf(at('data.customer.id'), nested({ customer: { id: 7 } })), { ok: true, key: '7' });
    assert.deepEqual(orderingKeyOf(at('correlationId'), nested({})), { ok: true, key: 'e1' });
    assert.deepEqual(orderingKeyOf(at('subject'), nested({})), { ok: true, key: null }, 'no subject: no order');
  });

  it('is checked by the compiler against the event data type', () => {
    defineHandler<{ customerId: string; n: { deep: number } }>({ ...base, orderingKey: 'data.n.deep' });
    // @ts-expect-error: no such field in the data
    defineHandler<{ customerId: string }>({ ...base, orderingKey: 'data.customerID' });
    // @ts-expect-error: an object is no key
    defineHandler<{ customer: { id: string } }>({ ...base, orderingKey: 'data.customer' });
  });

  it('is null where the path is absent, and never reads through a prototype', () => {
    assert.deepEqual(orderingKeyOf(at('data.customer.id'), nested({})), { ok: true, key: null });
    assert.deepEqual(orderingKeyOf(at('data.customer.id'), nested({ customer: 'cus_1' })), { ok: true, key: null });
    assert.deepEqual(orderingKeyOf(at('data.constructor.name'), nested({})), { ok: true, key: null });
  });

  it('refuses a value that is no string or number, naming the path', () => {
    assert.deepEqual(orderingKeyOf(at('data.customer.id'), nested({ customer: { id: { deep: 1 } } })), { ok: false, reason: 'its ordering key data.customer.id is an object, not a string or number' });
    assert.deepEqual(orderingKeyOf(at('data.customer.id'), nested({ customer: { id: [1] } })), { ok: false, reason: 'its ordering key data.customer.id is an array, not a string or number' });
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
