import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseEnvelope } from './envelope.js';

const data = { userId: 'u1' };

describe('event envelopes', () => {
  it('normalises a plain event and defaults its source', () => {
    const result = parseEnvelope({ format: 'json', value: { type: 'user.created', data, priority: 3, delay: 10 }, idempotencyKey: null });
    assert.ok(result.ok);
    assert.equal(result.event.source, 'urn:switchyard:rest');
    assert.equal(result.event.priority, 3);
    assert.equal(result.event.delayMs, 10);
    assert.equal(result.event.idempotencyKey, null);
  });

  it('derives the idempotency key: header, then item key, then source + id', () => {
    const key = (value: object, header: string | null = null) => {
      const result = parseEnvelope({ format: 'json', value, idempotencyKey: header });
      assert.ok(result.ok);
      return result.event.idempotencyKey;
    };
    assert.equal(key({ type: 't', data, id: 'e1', idempotencyKey: 'item' }, 'header'), 'key:header');
    assert.equal(key({ type: 't', data, id: 'e1', idempotencyKey: 'item' }), 'key:item');
    assert.equal(key({ type: 't', data, id: 'e1', source: 's' }), 'ce:["s","e1"]');
  });

  it("keeps the producer's id: the CloudEvents id; a plain event's id, else its key; none without either", () => {
    const sourceId = (format: 'json' | 'cloudevents', value: object, header: string | null = null) => {
      const result = parseEnvelope({ format, value, idempotencyKey: header });
      assert.ok(result.ok);
      return result.event.sourceEventId;
    };
    assert.equal(sourceId('cloudevents', { specversion: '1.0', id: 'ce-1', source: 's', type: 't', data }), 'ce-1');
    assert.equal(sourceId('cloudevents', { specversion: '1.0', id: 'ce-1', source: 's', type: 't', data }, 'header'), 'ce-1', 'a key does not replace the CloudEvents id');
    assert.equal(sourceId('json', { type: 't', data }, 'signup-7f3a'), 'signup-7f3a');
    assert.equal(sourceId('json', { type: 't', data, idempotencyKey: 'item-1' }), 'item-1');
    assert.equal(sourceId('json', { type: 't', data, id: 'e1' }, 'header'), 'e1', "the event's own id first");
    assert.equal(sourceId('json', { type: 't', data }), null);
  });

  it('hashes a keyed plain event as before the key became its producer id, so earlier keys still replay', () => {
    const keyed = parseEnvelope({ format: 'json', value: { type: 't', data }, idempotencyKey: 'k1' });
    const unkeyed = parseEnvelope({ format: 'json', value: { type: 't', data }, idempotencyKey: null });
    assert.ok(keyed.ok && unkeyed.ok);
    assert.equal(keyed.event.requestHash, unkeyed.event.requestHash);
  });

  it('hashes what the event is, not how it travelled', () => {
    const structured = parseEnvelope({
      format: 'cloudevents',
      value: { specversion: '1.0', id: '1', source: 's', type: 't', datacontenttype: 'application/json', data },
      idempotencyKey: null,
    });
    const binary = parseEnvelope({
      format: 'cloudevents',
      value: { specversion: '1.0', id: '1', source: 's', type: 't', datacontenttype: 'application/json; charset=utf-8', data: { ...data } },
      idempotencyKey: null,
    });
    const changed = parseEnvelope({ format: 'cloudevents', value: { specversion: '1.0', id: '1', source: 's', type: 't', data: { userId: 'u2' } }, idempotencyKey: null });
    assert.ok(structured.ok && binary.ok && changed.ok);
    assert.equal(structured.event.requestHash, binary.event.requestHash);
    assert.notEqual(structured.event.requestHash, changed.event.requestHash);
  });

  it('reads CloudEvents extensions, numbers given as strings included', () => {
    const result = parseEnvelope({
      format: 'cloudevents',
      value: { specversion: '1.0', id: '1', source: 's', type: 't', data, priority: '4', delay: '250', traceparent: 'tp', sampled: true },
      idempotencyKey: null,
    });
    assert.ok(result.ok);
    assert.equal(result.event.priority, 4);
    assert.equal(result.event.delayMs, 250);
    assert.deepEqual(result.event.extensions, { traceparent: 'tp', sampled: true });
  });

  it('takes a correlation id: plain correlationId, CloudEvents correlationid (interpreted, not kept as an extension)', () => {
    const plain = parseEnvelope({ format: 'json', value: { type: 't', data, correlationId: 'signup-1' }, idempotencyKey: null });
    assert.ok(plain.ok);
    assert.equal(plain.event.correlationId, 'signup-1');
    const ce = parseEnvelope({
      format: 'cloudevents',
      value: { specversion: '1.0', id: 'e1', source: 's', type: 't', data, correlationid: 'signup-2', traceparent: 'x' },
      idempotencyKey: null,
    });
    assert.ok(ce.ok);
    assert.equal(ce.event.correlationId, 'signup-2');
    assert.deepEqual(ce.event.extensions, { traceparent: 'x' });
    const none = parseEnvelope({ format: 'json', value: { type: 't', data }, idempotencyKey: null });
    assert.ok(none.ok);
    assert.equal(none.event.correlationId, null, 'the event will be its own root');
    for (const correlationId of ['', 'x'.repeat(256), 42]) {
      const bad = parseEnvelope({ format: 'json', value: { type: 't', data, correlationId }, idempotencyKey: null });
      assert.ok(!bad.ok && bad.errors[0].path === 'correlationId', JSON.stringify(correlationId));
    }
  });

  it('decodes data_base64 when the content type is JSON', () => {
    const encoded = Buffer.from(JSON.stringify(data)).toString('base64');
    const result = parseEnvelope({ format: 'cloudevents', value: { specversion: '1.0', id: '1', source: 's', type: 't', data_base64: encoded }, idempotencyKey: null });
    assert.ok(result.ok);
    assert.deepEqual(result.event.data, data);
    const notJson = parseEnvelope({
      format: 'cloudevents',
      value: { specversion: '1.0', id: '1', source: 's', type: 't', datacontenttype: 'image/png', data_base64: encoded },
      idempotencyKey: null,
    });
    assert.ok(!notJson.ok);
    assert.equal(notJson.errors[0].path, 'data_base64');
  });

  it('names every problem with a path', () => {
    const result = parseEnvelope({ format: 'json', value: { type: '', priority: 1.5, deliverAt: 'tomorrow', extra: 1 }, idempotencyKey: null });
    assert.ok(!result.ok);
    assert.deepEqual(result.errors.map((error) => error.path).sort(), ['data', 'deliverAt', 'extra', 'priority', 'type']);
    const far = parseEnvelope({ format: 'json', value: { type: 't', data, deliverAt: '2099-01-01T00:00:00Z' }, idempotencyKey: null });
    assert.ok(!far.ok);
    assert.match(far.errors[0].message, /365 days/);
  });
});

describe('envelopes and names that Object.prototype has', () => {
  const plain = (json: string) => parseEnvelope({ format: 'json', value: JSON.parse(json), idempotencyKey: null });
  const cloud = (json: string) => parseEnvelope({ format: 'cloudevents', value: JSON.parse(json), idempotencyKey: null });

  it('a plain envelope field named after one is an unknown field', () => {
    for (const name of Object.getOwnPropertyNames(Object.prototype)) {
      const result = plain(`{"type": "t", "data": {}, ${JSON.stringify(name)}: {"type": "x"}}`);
      assert.ok(!result.ok, name);
      assert.deepEqual(result.errors, [{ path: name, message: 'is not a known field' }]);
    }
  });

  it('a CloudEvents attribute named after one is an extension if its name is valid, else refused by name', () => {
    const constructor = cloud('{"specversion": "1.0", "id": "1", "source": "s", "type": "t", "data": {}, "constructor": "x", "valueof": 1}');
    assert.ok(constructor.ok);
    assert.deepEqual(constructor.event.extensions, { constructor: 'x', valueof: 1 });
    const proto = cloud('{"specversion": "1.0", "id": "1", "source": "s", "type": "t", "data": {}, "__proto__": "x", "toString": "y"}');
    assert.ok(!proto.ok);
    assert.deepEqual(proto.errors.map((error) => error.path), ['__proto__', 'toString']);
  });

  it('data keys named after one are data: kept, and part of what tells a replay from a reused key', () => {
    const one = plain('{"type": "t", "data": {"__proto__": {"a": 1}, "constructor": "c"}}');
    const other = plain('{"type": "t", "data": {"__proto__": {"a": 2}, "constructor": "c"}}');
    assert.ok(one.ok && other.ok);
    assert.equal(JSON.stringify(one.event.data), '{"__proto__":{"a":1},"constructor":"c"}');
    assert.notEqual(one.event.requestHash, other.event.requestHash);
  });
});
