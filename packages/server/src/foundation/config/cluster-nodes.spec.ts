import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ConfigError, coreEnvSchema, loadConfig, parseClusterNodes } from './core-config.js';

describe('REDIS_CLUSTER_NODES', () => {
  it('reads comma-separated host:port seeds, IPv6 hosts in brackets', () => {
    assert.deepEqual(parseClusterNodes('10.0.0.1:7000, redis-1.redis:6379,[::1]:7001'), [
      { host: '10.0.0.1', port: 7000 },
      { host: 'redis-1.redis', port: 6379 },
      { host: '::1', port: 7001 },
    ]);
  });

  it('is single-server mode when empty', () => {
    assert.deepEqual(parseClusterNodes(''), []);
    assert.deepEqual(parseClusterNodes(' , '), []);
  });

  it('refuses a malformed entry, naming it', () => {
    for (const bad of ['10.0.0.1', 'redis://10.0.0.1:6379', '10.0.0.1:0', '10.0.0.1:70000', 'a:1,,b:2']) {
      assert.throws(() => parseClusterNodes(bad), ConfigError, bad);
    }
    assert.throws(() => parseClusterNodes('10.0.0.1:7000,oops'), /"oops" is not host:port/);
  });

  it('fails the boot with the variable named, like every other bad setting', () => {
    assert.throws(() => loadConfig(coreEnvSchema, { REDIS_CLUSTER_NODES: 'oops' }), /REDIS_CLUSTER_NODES.*oops/s);
    const config = loadConfig(coreEnvSchema, { REDIS_CLUSTER_NODES: '127.0.0.1:7100', REDIS_CLUSTER_REPLICA_ACKS: '0' });
    assert.equal(config.REDIS_CLUSTER_REPLICA_ACKS, 0);
  });
});
