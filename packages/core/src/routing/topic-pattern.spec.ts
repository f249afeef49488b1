import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { compileTopicPattern, topicPatternError } from './topic-pattern.js';

describe('topic patterns', () => {
  const cases: Array<[string, string, boolean]> = [
    ['user.created', 'user.created', true],
    ['user.created', 'user.deleted', false],
    ['user.*', 'user.created', true],
    ['user.*', 'user', false],
    ['user.*', 'user.profile.updated', false],
    ['user.#', 'user', true],
    ['user.#', 'user.created', true],
    ['user.#', 'user.profile.updated', true],
    ['user.#', 'users.created', false],
    ['#', 'anything.at.all', true],
    ['#', 'x', true],
    ['*.created', 'user.created', true],
    ['*.created', 'user.profile.created', false],
    ['#.created', 'user.profile.created', true],
    ['#.created', 'created', true],
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
    assert.match(topicPatternError('user..created') ?? '', /segment ""/);
    assert.match(topicPatternError('user.cre@ted') ?? '', /segment "cre@ted"/);
    assert.equal(topicPatternError('user.*'), null);
    assert.throws(() => compileTopicPattern(''), /Invalid event pattern/);
  });
});

describe('topic patterns and names that Object.prototype has', () => {
  it('match such a type exactly, segment by segment, like any other name', () => {
    for (const name of Object.getOwnPropertyNames(Object.prototype)) {
      assert.equal(topicPatternError(name), null, name);
      assert.equal(compileTopicPattern(name)(name), true, name);
      assert.equal(compileTopicPattern(name)('user.created'), false, name);
      assert.equal(compileTopicPattern(`user.${name}`)(`user.${name}`), true, name);
      assert.equal(compileTopicPattern('user.*')(`user.${name}`), true, name);
      assert.equal(compileTopicPattern(`*.${name}`)('user.created'), false, name);
      assert.equal(compileTopicPattern(`${name}.#`)(`${name}.a.b`), true, name);
      assert.equal(compileTopicPattern('user.created')(name), false, name);
    }
  });
});
