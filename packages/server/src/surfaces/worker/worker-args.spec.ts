import { ConfigError } from '../../foundation/config/core-config.js';
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { withWorkerArgs } from './worker-args.js';

describe('worker command line', () => {
  it('sets WORKER_QUEUES from --queues, over the environment', () => {
    assert.equal(withWorkerArgs({ WORKER_QUEUES: 'email' }, ['--queues', 'payment,inventory']).WORKER_QUEUES, 'payment,inventory');
    assert.equal(withWorkerArgs({}, ['--queues=payment']).WORKER_QUEUES, 'payment');
  });

  it('leaves the environment alone without arguments', () => {
    assert.deepEqual(withWorkerArgs({ WORKER_QUEUES: 'email', LOG_LEVEL: 'warn' }, []), { WORKER_QUEUES: 'email', LOG_LEVEL: 'warn' });
  });

  it('refuses unknown arguments and an empty --queues', () => {
    assert.throws(() => withWorkerArgs({}, ['--queue', 'payment']), (error: Error) => error instanceof ConfigError && error.message.includes('"--queue"'));
    assert.throws(() => withWorkerArgs({}, ['--queues']), ConfigError);
    assert.throws(() => withWorkerArgs({}, ['--queues=']), ConfigError);
  });
});
