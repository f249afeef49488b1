import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { z } from 'zod';
import { coreEnvSchema, loadConfig, toSwitchyardConfig } from '../foundation/config/core-config.js';
import { PlatformModule } from './platform.module.js';

describe('PlatformModule.forRoot', () => {
  const config = toSwitchyardConfig(loadConfig(coreEnvSchema, {}));

  it('refuses a catalog that declares types in the platform namespace, naming them', () => {
    assert.throws(
      () => PlatformModule.forRoot({ config, events: { 'user.created': z.object({}), 'switchyard.job.dead_lettered': z.object({}) } }),
      /The event catalog declares "switchyard\.job\.dead_lettered", but types under "switchyard\." are Switchyard's own events; rename them/,
    );
    assert.doesNotThrow(() => PlatformModule.forRoot({ config, events: { 'user.created': z.object({}), 'switchyardish.x': z.object({}) } }));
  });
});
