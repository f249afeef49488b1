import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { z } from 'zod';
import { coreEnvSchema, loadConfig, toSwitchyardConfig } from '../foundation/config/core-config.js';
import { SwitchyardModule } from './switchyard.module.js';

describe('SwitchyardModule.forRoot', () => {
  const config = toSwitchyardConfig(loadConfig(coreEnvSchema, {}));

  it('refuses a catalog that declares types in the platform namespace, naming them', () => {
    assert.throws(
      () => SwitchyardModule.forRoot({ config, events: { 'order.placed': z.object({}), 'switchyard.job.dead_lettered': z.object({}) } }),
      /The event catalog declares "switchyard\.job\.dead_lettered", but types under "switchyard\." are Switchyard's own events; rename them/,
    );
    assert.doesNotThrow(() => SwitchyardModule.forRoot({ config, events: { 'order.placed': z.object({}), 'switchyardish.x': z.object({}) } }));
  });
});
