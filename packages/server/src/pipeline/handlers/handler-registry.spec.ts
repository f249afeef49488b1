import 'reflect-metadata';
import { DiscoveryModule } from '@nestjs/core';
import { Test } from '@nestjs/testing';
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { EventHandler } from '@switchyard/core';
import { defineHandler } from '@switchyard/core/platform';
import { HandlerRegistry } from './handler-registry.js';

async function registryWith(...providers: Array<new (...args: never[]) => unknown>): Promise<HandlerRegistry> {
  const moduleRef = await Test.createTestingModule({ imports: [DiscoveryModule], providers: [...providers, HandlerRegistry] }).compile();
  await moduleRef.init();
  return moduleRef.get(HandlerRegistry);
}

describe('handler discovery', () => {
  it('finds decorated providers and routes event types to them by pattern', async () => {
    @EventHandler({ name: 'users.audit', on: 'user.#', queue: 'audit' })
    class Audit {
      async handle(): Promise<void> {}
    }
    @EventHandler({ name: 'users.created', on: ['user.created'], queue: 'users', concurrency: 3 })
    class Created {
      async handle(): Promise<void> {}
    }
    const registry = await registryWith(Audit, Created);
    assert.deepEqual(registry.subscribersOf('user.created').map((handler) => handler.name), ['users.audit', 'users.created']);
    assert.deepEqual(registry.subscribersOf('user.profile.updated').map((handler) => handler.name), ['users.audit']);
    assert.deepEqual(registry.subscribersOf('team.renamed'), []);
    assert.deepEqual(registry.queues().map((queue) => [queue.name, queue.concurrency]), [['audit', 10], ['users', 3]]);
  });

  it('refuses to start when two handlers share a name', async () => {
    @EventHandler({ name: 'dup', on: 'a', queue: 'q' })
    class First {
      async handle(): Promise<void> {}
    }
    @EventHandler({ name: 'dup', on: 'b', queue: 'q' })
    class Second {
      async handle(): Promise<void> {}
    }
    await assert.rejects(registryWith(First, Second), /Two handlers are named "dup" \(First and Second\)/);
  });

  it('refuses handlers that share a queue but disagree on its settings', async () => {
    @EventHandler({ name: 'a', on: 'x', queue: 'shared', rateLimit: { max: 10, duration: 1000 } })
    class A {
      async handle(): Promise<void> {}
    }
    @EventHandler({ name: 'b', on: 'x', queue: 'shared', rateLimit: { max: 5, duration: 1000 } })
    class B {
      async handle(): Promise<void> {}
    }
    await assert.rejects(registryWith(A, B), /share queue "shared" but declare different rateLimit/);
  });

  it('refuses a decorated class without handle()', async () => {
    @EventHandler({ name: 'lazy', on: 'x', queue: 'q' })
    class Lazy {}
    await assert.rejects(registryWith(Lazy), /needs a handle\(event, ctx\) method/);
  });

  it('checks decorator options when the class is defined', () => {
    assert.throws(() => defineHandler({ name: 'Bad Name', on: 'x', queue: 'q' }), /@EventHandler\("Bad Name"\): name must be/);
    assert.throws(() => defineHandler({ name: 'ok', on: 'x', queue: 'a:b' }), /queue must be/);
    assert.throws(
      () => defineHandler({ name: 'ok', on: 'switchyard.job.dead_letterd', queue: 'q' }),
      /pattern "switchyard\.job\.dead_letterd" matches none of Switchyard's own events \(switchyard\.job\.dead_lettered, switchyard\.job\.discarded, switchyard\.job\.resolved\)/,
    );
    assert.doesNotThrow(() => defineHandler({ name: 'ok', on: 'switchyard.job.*', queue: 'q' }));
    assert.throws(() => defineHandler({ name: 'ok', on: 'user..x', queue: 'q' }), /pattern "user..x"/);
    assert.throws(() => defineHandler({ name: 'ok', on: 'x', queue: 'q', attempts: 0 }), /attempts must be/);
    assert.throws(() => defineHandler({ name: 'ok', on: 'x', queue: 'q', backoff: { jitter: 2 } }), /jitter/);
    assert.deepEqual(defineHandler({ name: 'ok', on: 'x', queue: 'q' }).backoff, { type: 'exponential', delay: 1000, jitter: 0.5 });
  });

  it('gives at-most-once handlers one attempt and refuses more', () => {
    assert.equal(defineHandler({ name: 'ok', on: 'x', queue: 'q' }).delivery, 'at-least-once');
    const once = defineHandler({ name: 'ok', on: 'x', queue: 'q', delivery: 'at-most-once' });
    assert.deepEqual([once.delivery, once.attempts], ['at-most-once', 1]);
    assert.throws(
      () => defineHandler({ name: 'sms.send', on: 'x', queue: 'q', delivery: 'at-most-once', attempts: 3 }),
      /@EventHandler\("sms.send"\): attempts is 3 but delivery is "at-most-once", which never starts a job twice/,
    );
    assert.throws(() => defineHandler({ name: 'ok', on: 'x', queue: 'q', delivery: 'exactly-once' as never }), /delivery must be/);
  });
});
