import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { EventHandlerOptions } from '@switchyard/core';
import { defineHandler } from '@switchyard/core/platform';
import type { DomainEvent } from '@switchyard/core';
import { orderingKeyOf } from './ordering-key.js';

type Data = { userId?: string | number | null };
const base = { name: 'users.timeline', on: 'user.*', queue: 'timeline' };
const event = (data: Data): DomainEvent<Data> => ({ id: 'e1', type: 'user.created', source: 's', subject: null, time: null, data, receivedAt: '', correlationId: 'e1', causationId: null });
const define = (options: Partial<EventHandlerOptions<Data>>) => defineHandler<Data>({ ...base, ...options });

describe('ordering per key: options', () => {
  it('defaults to unordered; with a key, to proceed after a dead letter', () => {
    assert.equal(define({}).ordering, null);
    assert.equal(define({ orderingKey: 'data.userId' }).ordering?.afterDeadLetter, 'proceed');
    assert.equal(define({ orderingKey: 'data.userId', afterDeadLetter: 'block' }).ordering?.afterDeadLetter, 'block');
  });

  it('refuses, naming the handler, a key that is not a path (a function among them), and a policy without a key or out of its two values', () => {
    assert.throws(() => define({ orderingKey: 'userId' as never }), /users\.timeline.*orderingKey "userId" must be "subject", "source", "type", "correlationId" or a dotted path into the data/);
    assert.throws(() => define({ orderingKey: 'data.' as never }), /orderingKey "data\." must be/);
    assert.throws(() => define({ orderingKey: 42 as never }), /orderingKey must be a path into the event/);
    assert.throws(() => define({ orderingKey: (() => 'k') as never }), /users\.timeline.*not a function: the API computes keys without the handler's code/);
    assert.throws(() => define({ afterDeadLetter: 'block' }), /afterDeadLetter needs an orderingKey/);
    assert.throws(() => define({ orderingKey: 'data.userId', afterDeadLetter: 'skip' as never }), /afterDeadLetter must be "proceed" or "block"/);
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
  const handler = define({ orderingKey: 'data.userId' });

  it('is the string at the path, or null (unordered) for null, absent and unordered handlers', () => {
    assert.deepEqual(orderingKeyOf(handler, event({ userId: 'usr_1' })), { ok: true, key: 'usr_1' });
    assert.deepEqual(orderingKeyOf(handler, event({ userId: null })), { ok: true, key: null });
    assert.deepEqual(orderingKeyOf(handler, event({})), { ok: true, key: null });
    assert.deepEqual(orderingKeyOf(define({}), event({ userId: 'usr_1' })), { ok: true, key: null });
  });

  it('is refused with a reason when the path holds a boolean, an empty or an overlong string', () => {
    assert.match((orderingKeyOf(handler, event({ userId: true as never })) as { reason: string }).reason, /data\.userId is a boolean, not a string or number/);
    assert.match((orderingKeyOf(handler, event({ userId: '' })) as { reason: string }).reason, /1 to 512 characters \(got 0\)/);
    assert.match((orderingKeyOf(handler, event({ userId: 'x'.repeat(513) })) as { reason: string }).reason, /got 513/);
  });
});
