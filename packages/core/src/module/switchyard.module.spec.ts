import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { z } from 'zod';
import { SWITCHYARD_OPTIONS, SwitchyardModule } from './switchyard.module.js';

describe('SwitchyardModule.forRoot', () => {
  const events = { 'user.created': z.object({ userId: z.string() }) };

  it('provides the options under a token the server finds, globally, and starts nothing', () => {
    const module = SwitchyardModule.forRoot({ events });
    assert.equal(module.module, SwitchyardModule);
    assert.equal(module.global, true);
    assert.deepEqual(module.providers, [{ provide: SWITCHYARD_OPTIONS, useValue: { events } }]);
    assert.deepEqual(module.exports, [SWITCHYARD_OPTIONS]);
    assert.equal(SWITCHYARD_OPTIONS, Symbol.for('switchyard.module-options'), 'a second copy of the package makes the same token');
  });

  it("refuses a catalog that declares Switchyard's own event types, naming them", () => {
    assert.throws(
      () => SwitchyardModule.forRoot({ events: { ...events, 'switchyard.job.dead_lettered': z.object({}) } }),
      /The event catalog declares "switchyard\.job\.dead_lettered", but types under "switchyard\." are Switchyard's own events; rename them/,
    );
    assert.doesNotThrow(() => SwitchyardModule.forRoot({ events: { 'switchyardish.x': z.object({}) } }));
  });

  it('refuses a catalog that is not an object', () => {
    assert.throws(() => SwitchyardModule.forRoot({ events: undefined as never }), /must be an object of event types to schemas.*got undefined/);
  });
});
