import { ConfigError } from '../../foundation/config/core-config.js';
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { withWorkerArgs } from './worker-args.js';

describe('worker command line', () => {
  it('sets WORKER_QUEUES from --queues, over the environment', () => {
    assert.equal(withWorkerArgs({ WORKER_QUEUES: 'webhooks' }, ['--queues', 'images,search']).WORKER_QUEUES, 'images,search');
    assert.equal(withWorkerArgs({}, ['--queues=images']).WORKER_QUEUES, 'images');
  });

  it('leaves the environment alone without arguments', () => {
    assert.deepEqual(withWorkerArgs({ WORKER_QUEUES: 'webhooks', LOG_LEVEL: 'warn' }, []), { WORKER_QUEUES: 'webhooks', LOG_LEVEL: 'warn' });
  });

  it('refuses unknown arguments and an empty --queues', () => {
    assert.throws(() => withWorkerArgs({}, ['--queue', 'images']), (error: Error) => error instanceof ConfigError && error.message.includes('"--queue"'));
    assert.throws(() => withWorkerArgs({}, ['--queues']), ConfigError);
    assert.throws(() => withWorkerArgs({}, ['--queues=']), ConfigError);
  });
});
