import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { compileTopicPattern, topicPatternError } from './topic-pattern.js';

describe('topic patterns', () => {
  const cases: Array<[string, string, boolean]> = [
    ['order.placed', 'order.placed', true],
    ['order.placed', 'order.cancelled', false],
    ['order.*', 'order.placed', true],
    ['order.*', 'order', false],
    ['order.*', 'order.line.added', false],
    ['order.#', 'order', true],
    ['order.#', 'order.placed', true],
    ['order.#', 'order.line.added', true],
    ['order.#', 'orders.placed', false],
    ['#', 'anything.at.all', true],
    ['#', 'x', true],
    ['*.placed', 'order.placed', true],
    ['*.placed', 'order.line.placed', false],
    ['#.placed', 'order.line.placed', true],
    ['#.placed', 'placed', true],
    ['a.#.z', 'a.z', true],
    ['a.#.z', 'a.b.c.z', true],
    ['a.#.z', 'a.b.c', false],
    ['#.#', 'a', true],
    ['*', 'a.b', false],
    // Switchyard's own events match only patterns that name them.
    ['#', 'switchyard.job.dead_lettered', false],
    ['*.job.*', 'switchyard.job.dead_lettered', false],
    ['#.dead_lettered', 'switchyard.job.dead_lettered', false],
    ['switchyard.job.*', 'switchyard.job.dead_lettered', true],
    ['switchyard.#', 'switchyard.job.resolved', true],
    ['switchyard.job.resolved', 'switchyard.job.resolved', true],
  ];
  for (const [pattern, type, expected] of cases) {
    it(`${pattern} ${expected ? 'matches' : 'does not match'} ${type}`, () => {
      assert.equal(compileTopicPattern(pattern)(type), expected);
    });
  }

  it('stays fast on adversarial patterns', () => {
    const matcher = compileTopicPattern('#.#.#.#.#.#.#.#.#.#.x');
    const type = Array.from({ length: 60 }, () => 'a').join('.');
    const started = process.hrtime.bigint();
    assert.equal(matcher(type), false);
    assert.ok(process.hrtime.bigint() - started < 50_000_000n);
  });

  it('explains invalid patterns', () => {
    assert.match(topicPatternError('order..placed') ?? '', /segment ""/);
    assert.match(topicPatternError('order.pl@ced') ?? '', /segment "pl@ced"/);
    assert.equal(topicPatternError('order.*'), null);
    assert.throws(() => compileTopicPattern(''), /Invalid event pattern/);
  });
});

describe('topic patterns and names that Object.prototype has', () => {
  it('match such a type exactly, segment by segment, like any other name', () => {
    for (const name of Object.getOwnPropertyNames(Object.prototype)) {
      assert.equal(topicPatternError(name), null, name);
      assert.equal(compileTopicPattern(name)(name), true, name);
      assert.equal(compileTopicPattern(name)('order.placed'), false, name);
      assert.equal(compileTopicPattern(`order.${name}`)(`order.${name}`), true, name);
      assert.equal(compileTopicPattern('order.*')(`order.${name}`), true, name);
      assert.equal(compileTopicPattern(`*.${name}`)('order.placed'), false, name);
      assert.equal(compileTopicPattern(`${name}.#`)(`${name}.a.b`), true, name);
      assert.equal(compileTopicPattern('order.placed')(name), false, name);
    }
  });
});
