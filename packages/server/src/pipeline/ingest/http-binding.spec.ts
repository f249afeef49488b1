import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ProblemError } from '../../foundation/problems/problem.js';
import { decodeBatch, decodeSingle } from './http-binding.js';

const limits = { maxEventBytes: 100, maxBatchBytes: 1_000, maxBatchEvents: 3 };
const body = (value: unknown) => Buffer.from(typeof value === 'string' ? value : JSON.stringify(value));

function problemOf(work: () => unknown): { status: number; detail?: string } {
  try {
    work();
  } catch (error) {
    assert.ok(error instanceof ProblemError);
    return error.problem;
  }
  assert.fail('expected a problem');
}

describe('the HTTP binding', () => {
  it('tells plain JSON, structured and binary CloudEvents apart', () => {
    assert.equal(decodeSingle({ headers: { 'content-type': 'application/json; charset=utf-8' }, body: body({ a: 1 }) }, limits).format, 'json');
    assert.equal(decodeSingle({ headers: { 'content-type': 'application/cloudevents+json' }, body: body({ a: 1 }) }, limits).format, 'cloudevents');
    const binary = decodeSingle(
      { headers: { 'content-type': 'application/json', 'ce-specversion': '1.0', 'ce-id': 'x', 'ce-subject': 'caf%C3%A9' }, body: body({ a: 1 }) },
      limits,
    );
    assert.equal(binary.format, 'cloudevents');
    assert.deepEqual(binary.value, { datacontenttype: 'application/json', specversion: '1.0', id: 'x', subject: 'café', data: { a: 1 } });
  });

  it('answers 413, 415 and 400 with what to change', () => {
    assert.equal(problemOf(() => decodeSingle({ headers: { 'content-type': 'application/json' }, body: body('x'.repeat(101)) }, limits)).status, 413);
    assert.equal(problemOf(() => decodeSingle({ headers: { 'content-type': 'text/csv' }, body: body('a,b') }, limits)).status, 415);
    assert.equal(problemOf(() => decodeSingle({ headers: {}, body: body('{}') }, limits)).status, 415);
    assert.match(problemOf(() => decodeSingle({ headers: { 'content-type': 'application/json' }, body: body('{"a":') }, limits)).detail ?? '', /not valid JSON/);
    assert.match(
      problemOf(() => decodeSingle({ headers: { 'content-type': 'application/cloudevents-batch+json' }, body: body([]) }, limits)).detail ?? '',
      /\/v1\/events\/batch/,
    );
  });

  it('takes batches as arrays, within the event count', () => {
    assert.equal(decodeBatch({ headers: { 'content-type': 'application/json' }, body: body([{}, {}]) }, limits).length, 2);
    assert.equal(problemOf(() => decodeBatch({ headers: { 'content-type': 'application/json' }, body: body({}) }, limits)).status, 400);
    assert.equal(problemOf(() => decodeBatch({ headers: { 'content-type': 'application/json' }, body: body([]) }, limits)).status, 400);
    assert.equal(problemOf(() => decodeBatch({ headers: { 'content-type': 'application/json' }, body: body([1, 2, 3, 4]) }, limits)).status, 413);
    assert.equal(
      problemOf(() => decodeBatch({ headers: { 'content-type': 'application/json', 'idempotency-key': 'k' }, body: body([{}]) }, limits)).status,
      400,
    );
  });
});

describe('the HTTP binding and names that Object.prototype has', () => {
  it('a binary-mode ce-* header named after one becomes an attribute of the event, and data keeps such keys', () => {
    const binary = decodeSingle(
      { headers: { 'content-type': 'application/json', 'ce-specversion': '1.0', 'ce-constructor': 'x', 'ce-valueof': 'y' }, body: body('{"__proto__": 1}') },
      { ...limits, maxEventBytes: 1_000 },
    );
    const value = binary.value as Record<string, unknown>;
    assert.deepEqual(Object.keys(value), ['datacontenttype', 'specversion', 'constructor', 'valueof', 'data']);
    assert.equal(value.constructor, 'x');
    assert.equal(JSON.stringify(value.data), '{"__proto__":1}');
  });
});
