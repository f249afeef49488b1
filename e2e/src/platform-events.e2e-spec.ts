import type { BatchResult, DeadLetterSummary, Problem, RouteInfo } from '@switchyard/core/contracts';
import { queryRows, testDatabaseUrl, waitFor } from '@switchyard/testing';
import { workerEnvSchema } from '@switchyard/server/internal';
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { heard, PlatformEventHandlersModule, platformTestEvents } from './fixtures/platform-event-handlers.js';
import { seen, TestHandlersModule } from './fixtures/test-handlers.js';
import { resetWithCatalogue } from './support/database.js';
import { shopApp } from './support/shop.js';
import { TestStack, testEnv } from './support/stack.js';

const db = testDatabaseUrl();
const platformEventCount = () => queryRows<{ n: number }>(db, "SELECT count(*)::int AS n FROM switchyard.events WHERE type LIKE 'switchyard.%'").then((rows) => rows[0].n);
const deadLetterOf = (handler: string) =>
  waitFor(`a dead letter of ${handler}`, async () => {
    const [row] = await queryRows<{ id: string; status: string; error_message: string; event_type: string }>(
      db,
      'SELECT id::text, status, error_message, event_type FROM switchyard.dead_letters WHERE handler = $1',
      [handler],
    );
    return row;
  });

describe('failure is an event too: switchyard.job.dead_lettered, .discarded and .resolved', () => {
  let stack: TestStack;
  before(async () => {
    await resetWithCatalogue(db);
    seen.reset();
    heard.reset();
    const env = testEnv();
    stack = await TestStack.start({
      env,
      events: platformTestEvents,
      handlers: (stackEnv) => shopApp(stackEnv, TestHandlersModule, PlatformEventHandlersModule),
    });
  });
  after(async () => {
    seen.reset();
    await stack.close();
  });

  it('announces every transition of a dead letter, in sequence, to the handlers whose filter matches', async () => {
    seen.broken = true;
    assert.equal((await stack.post('/v1/events', { type: 'test.switchable', source: 'urn:test', data: { n: 1 } })).status, 202);
    const letter = await deadLetterOf('test.switchable');
    await waitFor('dead_lettered heard', () => heard.transitions.length === 1);

    // A retry that fails again reopens the dead letter: announced again, with a later sequence.
    assert.equal((await stack.post(`/v1/dead-letters/${letter.id}/retry`, '')).status, 202);
    await waitFor('dead_lettered heard again', () => heard.transitions.length === 2);
    const discard = await stack.post(`/v1/dead-letters/${letter.id}/discard`, { reason: 'upstream is down for the week' });
    assert.equal(discard.status, 200, discard.text);
    await waitFor('discarded heard', () => heard.transitions.length === 3);
    seen.broken = false;
    assert.equal((await stack.post(`/v1/dead-letters/${letter.id}/retry`, '')).status, 202);
    await waitFor('resolved heard', () => heard.transitions.length === 4);

    const [first, again, discarded, resolved] = heard.transitions;
    assert.deepEqual(
      heard.transitions.map(({ type, status }) => [type, status]),
      [
        ['switchyard.job.dead_lettered', 'open'],
        ['switchyard.job.dead_lettered', 'open'],
        ['switchyard.job.discarded', 'discarded'],
        ['switchyard.job.resolved', 'resolved'],
      ],
    );
    assert.ok(first.sequence < again.sequence && again.sequence < discarded.sequence && discarded.sequence < resolved.sequence, JSON.stringify(heard.transitions));
    assert.match(first.jobId, /\.test\.switchable$/);
    assert.match(again.jobId, /\.test\.switchable\.r1$/, 'the redrive that failed');
    assert.match(resolved.jobId, /\.test\.switchable\.r2$/, 'the redrive that succeeded');
    assert.equal(discarded.reason, 'upstream is down for the week');
    assert.equal(first.actor, 'system');
    assert.notEqual(discarded.actor, 'system', 'the operator who discarded it');
    assert.equal(((await stack.get<DeadLetterSummary>(`/v1/dead-letters/${letter.id}`)).body).status, 'resolved');
  });

  it('does not announce the dead letter of a handler of a platform event: a failing compensation cannot feed itself', async () => {
    const compensation = await deadLetterOf('test.failing-compensation');
    assert.equal(compensation.event_type, 'switchyard.job.discarded');
    assert.equal(compensation.error_message, 'the compensation is broken too');
    // Give a wrongly announced event every chance to appear.
    await new Promise((resolve) => setTimeout(resolve, 500));
    assert.equal(await platformEventCount(), 4, 'the four transitions of test.switchable, nothing for the compensation');
  });

  it('keeps platform events away from catch-all patterns: # takes the catalogue, not switchyard.*', async () => {
    await waitFor('the catch-all heard test.switchable', () => heard.catchAll.includes('test.switchable'));
    assert.ok(!heard.catchAll.some((type) => type.startsWith('switchyard.')), heard.catchAll.join(', '));
    const { body } = await stack.get<RouteInfo[]>('/v1/routes');
    const route = (handler: string) => body.find((candidate) => candidate.handler === handler)!;
    assert.deepEqual(route('test.watch-switchable').eventTypes, ['switchyard.job.dead_lettered', 'switchyard.job.discarded', 'switchyard.job.resolved']);
    assert.deepEqual(route('test.watch-switchable').filter, { 'data.handler': 'test.switchable' });
    assert.ok(!route('test.catch-all').eventTypes.some((type) => type.startsWith('switchyard.')));
    assert.deepEqual(route('inventory.release-unpaid').eventTypes, ['switchyard.job.dead_lettered']);
  });

  it('refuses platform event types from producers, schedules and ctx.emit, saying why', async () => {
    const single = await stack.post<Problem>('/v1/events', { type: 'switchyard.job.resolved', source: 'urn:test', data: {} });
    assert.equal(single.status, 422, single.text);
    assert.match(single.body.detail ?? '', /"switchyard\.job\.resolved" is reserved: types under "switchyard\." are Switchyard's own events/);
    const batch = await stack.post<BatchResult>('/v1/events/batch', [
      { type: 'switchyard.job.dead_lettered', source: 'urn:test', data: {} },
      { type: 'test.switchable', source: 'urn:test', data: { n: 2 } },
    ]);
    assert.equal(batch.status, 207, batch.text);
    assert.equal(batch.body.items[0].status, 422);
    assert.equal(batch.body.items[1].status, 202);
    const schedule = await stack.post<Problem>('/v1/schedules', { name: 'forged', type: 'switchyard.job.resolved', data: {}, intervalMs: 3_600_000 });
    assert.equal(schedule.status, 422, schedule.text);
    assert.match(schedule.body.detail ?? '', /is reserved/);
    assert.equal(await queryRows(db, "SELECT 1 FROM switchyard.schedules WHERE name = 'forged'").then((rows) => rows.length), 0);

    assert.equal((await stack.post('/v1/events', { type: 'test.forge', source: 'urn:test', data: { n: 1 } })).status, 202);
    const forged = await deadLetterOf('test.forger');
    assert.match(forged.error_message, /ctx\.emit\("switchyard\.job\.resolved"\) in handler test\.forger: types under "switchyard\." are Switchyard's own events/);
  });
});
