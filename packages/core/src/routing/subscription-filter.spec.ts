import type { SubscriptionFilter } from '../contracts/index.js';
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { defineHandler } from '../handlers/event-handler.decorator.js';
import { compileSubscriptionFilter, type FilterableEvent, subscriptionFilterErrors } from './subscription-filter.js';

const upload: FilterableEvent = {
  type: 'upload.received',
  source: 'urn:app:uploads',
  subject: null,
  time: '2026-11-25T08:00:00Z',
  data: {
    uploadId: 'upl_1',
    size: 150_000,
    sizeText: '150000',
    label: null,
    owner: { id: 'usr_42', tier: 'gold', handle: 'ada' },
    files: [
      { kind: 'image/png', pages: 2 },
      { kind: 'text/plain', pages: 1 },
    ],
  },
  extensions: { region: 'eu', tenant: 7 },
};

const matches = (filter: SubscriptionFilter, event: FilterableEvent = upload) => {
  assert.deepEqual(subscriptionFilterErrors(filter), [], 'the filter under test is valid');
  return compileSubscriptionFilter(filter)(event);
};

describe('subscription filter: evaluation', () => {
  it('equality: strict, on envelope fields, data paths and extension attributes', () => {
    assert.equal(matches({ type: 'upload.received' }), true);
    assert.equal(matches({ source: 'urn:app:cli' }), false);
    assert.equal(matches({ 'data.owner.tier': 'gold' }), true);
    assert.equal(matches({ 'data.owner.tier': 'silver' }), false);
    assert.equal(matches({ 'data.size': 150_000 }), true);
    assert.equal(matches({ 'data.size': '150000' }), false, 'a string does not equal a number');
    assert.equal(matches({ 'data.sizeText': 150_000 }), false, 'nor a number a string');
    assert.equal(matches({ 'data.label': null }), true, 'null matches a present null');
    assert.equal(matches({ 'data.missing': null }), false, 'null does not match a missing path');
    assert.equal(matches({ 'extensions.region': 'eu' }), true);
    assert.equal(matches({ 'extensions.tenant': 7 }), true);
    assert.equal(matches({ 'extensions.region': 'eu' }, { ...upload, extensions: null }), false);
  });

  it('a list means any of its values', () => {
    assert.equal(matches({ 'data.owner.tier': ['gold', 'platinum'] }), true);
    assert.equal(matches({ 'data.owner.tier': ['silver', 'bronze'] }), false);
    assert.equal(matches({ 'data.size': ['150000', 1] }), false, 'no coercion inside lists either');
  });

  it('numeric ranges compare numbers only: a string "150000" is not ≥ 100000', () => {
    assert.equal(matches({ 'data.size': { gte: 100_000 } }), true);
    assert.equal(matches({ 'data.size': { gte: 150_000 } }), true);
    assert.equal(matches({ 'data.size': { gt: 150_000 } }), false);
    assert.equal(matches({ 'data.size': { lt: 150_000 } }), false);
    assert.equal(matches({ 'data.size': { lte: 150_000 } }), true);
    assert.equal(matches({ 'data.size': { gte: 100_000, lt: 200_000 } }), true, 'operators of one path all hold');
    assert.equal(matches({ 'data.size': { gte: 100_000, lt: 120_000 } }), false);
    assert.equal(matches({ 'data.sizeText': { gte: 100_000 } }), false);
    assert.equal(matches({ 'data.owner': { gte: 0 } }), false, 'an object is not a number');
    assert.equal(matches({ 'data.missing': { lt: 1 } }), false, 'a missing path is in no range');
  });

  it('exists: present (null included) or absent', () => {
    assert.equal(matches({ 'data.label': { exists: true } }), true);
    assert.equal(matches({ 'data.missing': { exists: true } }), false);
    assert.equal(matches({ 'data.missing': { exists: false } }), true);
    assert.equal(matches({ 'data.owner.tier': { exists: false } }), false);
    assert.equal(matches({ subject: { exists: false } }), true, 'an event without a subject');
    assert.equal(matches({ 'data.owner.tier.deeper': { exists: true } }), false, 'a path through a string is missing');
  });

  it('prefix on strings only', () => {
    assert.equal(matches({ source: { prefix: 'urn:app:' } }), true);
    assert.equal(matches({ 'data.owner.handle': { prefix: 'bob' } }), false);
    assert.equal(matches({ 'data.size': { prefix: '15' } }), false, 'a number has no prefix');
    assert.equal(matches({ time: { prefix: '2026-11-25' } }), true);
  });

  it('not negates any condition, a missing path included', () => {
    assert.equal(matches({ 'data.owner.tier': { not: 'gold' } }), false);
    assert.equal(matches({ 'data.owner.tier': { not: ['silver', 'bronze'] } }), true);
    assert.equal(matches({ 'data.missing': { not: 'gold' } }), true);
    assert.equal(matches({ 'data.missing': { exists: true, not: 'gold' } }), false, 'combine with exists to require the path');
    assert.equal(matches({ 'data.size': { not: { gte: 100_000 } } }), false);
    assert.equal(matches({ source: { not: { prefix: 'urn:test:' } } }), true);
  });

  it('[] steps into arrays: any element matches', () => {
    assert.equal(matches({ 'data.files[].kind': 'text/plain' }), true);
    assert.equal(matches({ 'data.files[].kind': { prefix: 'video/' } }), false);
    assert.equal(matches({ 'data.files[].pages': { gte: 2 } }), true);
    assert.equal(matches({ 'data.files.kind': 'text/plain' }), false, 'without [] an array is not stepped into');
    assert.equal(matches({ 'data.uploadId[].x': { exists: true } }), false, '[] on a non-array finds nothing');
  });

  it('every path must match', () => {
    assert.equal(matches({ type: 'upload.received', 'data.size': { gte: 100_000 }, 'data.owner.tier': 'gold' }), true);
    assert.equal(matches({ type: 'upload.received', 'data.size': { gte: 100_000 }, 'data.owner.tier': 'silver' }), false);
  });

  it('data that is not an object has no fields', () => {
    assert.equal(matches({ 'data.size': { exists: false } }, { ...upload, data: 'text' }), true);
    assert.equal(matches({ 'data.size': 1 }, { ...upload, data: null }), false);
  });
});

describe('subscription filter: validation at decoration time', () => {
  const errorFor = (filter: unknown) => subscriptionFilterErrors(filter).join('; ');

  it('names the path and what is wrong with it', () => {
    assert.match(errorFor({ 'dat.size': 1 }), /filter path "dat.size" is not a path into the event/);
    assert.match(errorFor({ data: 1 }), /filter path "data" needs a field/);
    assert.match(errorFor({ 'data.a b': 1 }), /invalid segment "a b"/);
    assert.match(errorFor({ 'extensions.Region': 'eu' }), /must be extensions.<name>/);
    assert.match(errorFor({ 'data.size': { gte: '100000' } }), /"data.size": gte needs a finite number \(got "100000"\)/);
    assert.match(errorFor({ 'data.size': { between: [1, 2] } }), /unknown operator "between"/);
    assert.match(errorFor({ 'data.owner': { tier: 'gold' } }), /write its path, e.g. "data.owner.tier"/);
    assert.match(errorFor({ 'data.tier': [] }), /at least one value/);
    assert.match(errorFor({ 'data.tier': [['gold']] }), /only strings, numbers, booleans and null/);
    assert.match(errorFor({ 'data.tier': {} }), /needs at least one of/);
    assert.match(errorFor({ 'data.tier': { exists: 'yes' } }), /exists needs true or false/);
    assert.match(errorFor({ 'data.tier': { prefix: '' } }), /prefix needs a non-empty string/);
    assert.match(errorFor({ 'data.tier': { not: { gt: 'x' } } }), /not: gt needs a finite number/);
    assert.match(errorFor({}), /at least one path/);
    assert.match(errorFor([]), /must be an object/);
  });

  it('stops the handler class from being defined', () => {
    assert.throws(
      () => defineHandler({ name: 'review.large-upload', on: 'upload.received', queue: 'review', filter: { 'data.size': { gte: '100000' } as never } }),
      /@EventHandler\("review.large-upload"\): filter path "data.size": gte needs a finite number/,
    );
    const defined = defineHandler({ name: 'review.large-upload', on: 'upload.received', queue: 'review', filter: { 'data.size': { gte: 100_000 } } });
    assert.deepEqual(defined.filter, { 'data.size': { gte: 100_000 } });
    assert.equal(defineHandler({ name: 'plain', on: 'x', queue: 'q' }).filter, null);
  });
});

describe('content filters and names that Object.prototype has', () => {
  const PROTOTYPE_MEMBERS = Object.getOwnPropertyNames(Object.prototype);
  const only = (path: string, condition: unknown) => Object.fromEntries([[path, condition]]) as SubscriptionFilter;
  const withData = (json: string): FilterableEvent => ({ ...upload, data: JSON.parse(json) });
  const errorFor = (filter: unknown) => subscriptionFilterErrors(filter).join('; ');

  it('a data path named after a prototype member matches only an own field of that name', () => {
    const plain = withData('{"owner": {"id": "usr_1"}}');
    for (const name of PROTOTYPE_MEMBERS) {
      const own = withData(`{${JSON.stringify(name)}: "x", "owner": {${JSON.stringify(name)}: "x"}}`);
      for (const path of [`data.${name}`, `data.owner.${name}`]) {
        assert.deepEqual(subscriptionFilterErrors(only(path, 'x')), [], path);
        assert.equal(compileSubscriptionFilter(only(path, 'x'))(plain), false, `${path} = x, absent`);
        assert.equal(compileSubscriptionFilter(only(path, { exists: true }))(plain), false, `${path} exists, absent`);
        assert.equal(compileSubscriptionFilter(only(path, { exists: false }))(plain), true, `${path} exists: false, absent`);
        assert.equal(compileSubscriptionFilter(only(path, 'x'))(own), true, `${path} = x, present`);
      }
      assert.equal(compileSubscriptionFilter(only(`data.${name}[]`, { exists: true }))(plain), false, `data.${name}[]`);
    }
  });

  it('an extension named after a prototype member matches only an own attribute', () => {
    const filter = only('extensions.constructor', { exists: true });
    assert.equal(compileSubscriptionFilter(filter)(upload), false);
    assert.equal(compileSubscriptionFilter(filter)({ ...upload, extensions: null }), false);
    assert.equal(compileSubscriptionFilter(filter)({ ...upload, extensions: { constructor: 'x' } }), true);
  });

  it('an operator is an own key of the condition: __proto__ is an unknown operator, an inherited one is none', () => {
    assert.match(errorFor({ 'data.size': JSON.parse('{"__proto__": {"gte": 1}}') }), /unknown operator "__proto__"/);
    assert.match(errorFor({ 'data.size': JSON.parse('{"constructor": 1}') }), /unknown operator "constructor"/);
    const inherited = Object.assign(Object.create({ exists: false, lt: 0 }) as object, { gte: 100_000 }) as SubscriptionFilter[string];
    assert.equal(matches({ 'data.size': inherited }), true, 'the inherited exists and lt are not conditions');
  });
});
