import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ConfigError, coreEnvSchema, loadConfig, toSwitchyardConfig } from '../../foundation/config/core-config.js';
import type { QueueSettings } from '../handlers/handler-registry.js';
import { selectQueues } from './queue-selection.js';

const queue = (name: string): QueueSettings => ({ name, handlers: [`${name}.handle`], concurrency: 10, rateLimit: null });
const all = [queue('images'), queue('search'), queue('webhooks')];

describe('queue selection (WORKER_QUEUES, --queues)', () => {
  it('runs every queue when none is named', () => {
    assert.deepEqual(selectQueues(all, []).map((q) => q.name), ['images', 'search', 'webhooks']);
  });

  it('runs only the named queues', () => {
    assert.deepEqual(selectQueues(all, ['webhooks', 'images']).map((q) => q.name), ['webhooks', 'images']);
  });

  it('refuses an unknown queue and lists the known ones', () => {
    assert.throws(
      () => selectQueues(all, ['images', 'imagse']),
      (error: Error) =>
        error instanceof ConfigError &&
        error.message.includes('"imagse"') &&
        error.message.includes('Known queues: images, search, webhooks'),
    );
  });

  it('reads WORKER_QUEUES as a trimmed, de-duplicated list; empty means every queue', () => {
    const queuesOf = (value: string) => toSwitchyardConfig(loadConfig(coreEnvSchema, { WORKER_QUEUES: value })).worker.queues;
    assert.deepEqual(queuesOf(' images , search,,images '), ['images', 'search']);
    assert.deepEqual(queuesOf(''), []);
    assert.deepEqual(toSwitchyardConfig(loadConfig(coreEnvSchema, {})).worker.queues, []);
  });
});
