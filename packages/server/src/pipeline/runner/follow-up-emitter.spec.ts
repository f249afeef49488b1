import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { z } from 'zod';
import { isNonRetryable, type TransactionAdapter } from '@switchyard/core';
import { createHandlerContext } from './handler-context.factory.js';

const event = { id: '0190a000-0000-7000-8000-000000000001', type: 'user.created', source: 'urn:test', subject: null, time: null, data: {}, receivedAt: new Date().toISOString(), correlationId: '0190a000-0000-7000-8000-000000000001', causationId: null };

describe('ctx.emit with a type outside the catalog', () => {
  // The type is checked before anything is written, so no database is reached.
  const ctx = createHandlerContext({} as TransactionAdapter<unknown>, { handler: 'users.welcome', event, events: { 'user.welcomed': z.object({}) } });

  it('fails for good, naming the catalog, even for a type named after an Object.prototype member', async () => {
    for (const type of ['user.teleported', ...Object.getOwnPropertyNames(Object.prototype)]) {
      await assert.rejects(ctx.emit(type, {}), (error: Error) => {
        assert.ok(isNonRetryable(error), `${type}: ${error.message}`);
        assert.ok(error.message.startsWith(`ctx.emit(${JSON.stringify(type)}) in handler users.welcome: unknown event type; the catalog has user.welcomed`), error.message);
        return true;
      });
    }
  });
});
