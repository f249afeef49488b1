// Type-level spec: `npm run typecheck` fails if an unknown type or wrong data
// stops being a compile error (each `@ts-expect-error` then has no error to
// expect). The catalog is hand-written Standard Schema, to show no schema
// library is needed; the e2e spec does the same with the shop's zod catalog.
import type { StandardSchemaV1 } from '@standard-schema/spec';
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { createClient } from './client.js';
import type { EventData, EventType } from './catalog.js';
import { accepted, ApiDouble } from './testing/api-double.js';

/** A Standard Schema that carries only types, with input `I` and output `O`. */
function typed<I, O = I>(): StandardSchemaV1<I, O> {
  return { '~standard': { version: 1, vendor: 'spec', validate: (value) => ({ value: value as O }) } };
}

const catalog = {
  'user.created': typed<{ userId: string; seats: number; note?: string }>(),
  // The producer sends the input type: a string the server turns into a Date.
  'user.verified': typed<{ userId: string; verifiedAt: string }, { userId: string; verifiedAt: Date }>(),
};
type Catalog = typeof catalog;

type Equal<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
const expectType = <T extends true>(): T => true as T;

describe('a client typed by its catalog', () => {
  let double: ApiDouble;
  after(() => double?.close());

  it('accepts the catalog’s types with their data, and nothing else', async () => {
    const batchAnswer = { status: 207, body: { accepted: 0, replayed: 0, rejected: 0, items: [] } };
    double = await ApiDouble.start([accepted('user.created'), accepted('user.verified'), batchAnswer, accepted('anything')]);
    const client = createClient<Catalog>({ url: double.url });
    const sent = await client.send('user.created', { userId: 'u-1', seats: 4500 });
    expectType<Equal<typeof sent.type, 'user.created'>>();
    await client.send('user.verified', { userId: 'u-1', verifiedAt: '2026-12-09T10:00:00Z' });
    await client.sendBatch([
      { type: 'user.created', data: { userId: 'u-2', seats: 1, note: 'gift' } },
      { type: 'user.verified', data: { userId: 'u-2', verifiedAt: '2026-12-09T10:00:00Z' }, priority: 1 },
    ]);

    const wrong = async () => {
      // @ts-expect-error an event type the catalog does not have
      await client.send('user.lost', { userId: 'u-1' });
      // @ts-expect-error data missing a required field
      await client.send('user.created', { userId: 'u-1' });
      // @ts-expect-error data with a field of the wrong type
      await client.send('user.created', { userId: 'u-1', seats: '4500' });
      // @ts-expect-error the output type (a Date) is not what producers send
      await client.send('user.verified', { userId: 'u-1', verifiedAt: new Date() });
      // @ts-expect-error a batch event whose data belongs to another type
      await client.sendBatch([{ type: 'user.verified', data: { userId: 'u-1', seats: 1 } }]);
      // @ts-expect-error a batch event of an unknown type
      await client.sendBatch([{ type: 'user.lost', data: {} }]);
    };
    assert.equal(typeof wrong, 'function', 'compiled, never called');
    assert.equal(double.requests.length, 3);
  });

  it('without a catalog, takes any type and data', async () => {
    const client = createClient({ url: double.url });
    const sent = await client.send('anything', [1, 2, 3]);
    expectType<Equal<typeof sent.type, 'anything'>>();
    expectType<Equal<EventType<Catalog>, 'user.created' | 'user.verified'>>();
    expectType<Equal<EventData<Catalog, 'user.verified'>, { userId: string; verifiedAt: string }>>();
  });
});
