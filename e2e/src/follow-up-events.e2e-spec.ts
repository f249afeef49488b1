import type { AcceptedEvent, EventLineage, EventTree } from '@switchyard/core/contracts';
import { queryRows, testDatabaseUrl, waitFor } from '@switchyard/testing';
import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import { type EmitMode, evenRuns, FollowUpHandlersModule, followUpEvents, ORDERED_EMITS, orderedOverlap, orderedRuns, sinkRuns } from './fixtures/follow-up-handlers.js';
import { resetWithCatalogue } from './support/database.js';
import { TestStack } from './support/stack.js';

const db = testDatabaseUrl();

type EmittedRow = {
  id: string;
  data: { n: number };
  causation_id: string;
  correlation_id: string;
  priorities: Array<number | null>;
};

describe('ctx.emit: follow-up events written with the handler’s effects, once', () => {
  let stack: TestStack;
  before(async () => {
    await resetWithCatalogue(db);
    stack = await TestStack.start({ events: followUpEvents, handlers: () => [FollowUpHandlersModule] });
  });
  beforeEach(() => {
    sinkRuns.clear();
    evenRuns.clear();
  });
  after(() => stack.close());

  const start = async (mode: EmitMode, failFirst = false, envelope: Record<string, unknown> = {}) => {
    const answer = await stack.post<AcceptedEvent>('/v1/events', { type: 'test.emit-start', data: { mode, failFirst }, ...envelope });
    assert.equal(answer.status, 202);
    return answer.body.eventId;
  };
  /** What the handler emitted (not the dead-letter events Switchyard announces about its failures). */
  const emittedBy = (eventId: string) =>
    queryRows<EmittedRow>(
      db,
      `SELECT e.id::text AS id, e.data, e.causation_id::text AS causation_id, e.correlation_id,
              array(SELECT j.priority FROM switchyard.jobs j WHERE j.event_id = e.id AND j.handler <> 'test.emitted-in-order' ORDER BY j.handler) AS priorities
       FROM switchyard.events e WHERE e.causation_id = $1 AND e.type NOT LIKE 'switchyard.%' ORDER BY (e.data->>'n')::int`,
      [eventId],
    );
  const settled = (eventId: string) =>
    waitFor(`the jobs of ${eventId} and of what it emitted finished`, async () => {
      const { body } = await stack.get<EventTree>(`/v1/events/${eventId}/tree`);
      const nodes = (roots: EventTree['roots']): EventTree['roots'] => roots.flatMap((node) => [node, ...nodes(node.children)]);
      return nodes(body.roots).every((node) => node.jobs.every((job) => job.state === 'completed' || job.state === 'dead')) && body;
    }, { timeoutMs: 20_000 });

  it('inside once(): both events commit with the effects, fan out like ingest, and run their handlers', async () => {
    const eventId = await start('inside');
    await settled(eventId);
    const emitted = await emittedBy(eventId);
    // n = 2 also matches test.emitted-even's content filter: two jobs, both at the emit's priority.
    assert.deepEqual(emitted.map((row) => [row.data.n, row.causation_id, row.correlation_id, row.priorities]), [
      [1, eventId, eventId, [null]],
      [2, eventId, eventId, [3, 3]],
    ]);
    for (const row of emitted) assert.equal(sinkRuns.get(row.id), 1, `test.emitted-sink ran once for ${row.data.n}`);
    assert.deepEqual([...evenRuns.values()], [1], 'the filtered handler ran for n = 2 only');
    assert.equal(evenRuns.get(emitted[1].id), 1);
    const lineage = (await stack.get<EventLineage>(`/v1/events/${emitted[0].id}`)).body;
    assert.equal(lineage.source, 'urn:switchyard:handler:test.emitter');
    assert.deepEqual([lineage.correlationId, lineage.causationId], [eventId, eventId]);
  });

  for (const mode of ['inside', 'outside'] as const) {
    it(`a re-run after a failure does not emit twice (${mode} once())`, async () => {
      const eventId = await start(mode, true);
      const tree = await settled(eventId);
      assert.equal(tree.roots[0].jobs[0].attemptsMade, 2, 'the emitter ran twice');
      const emitted = await emittedBy(eventId);
      assert.equal(emitted.length, mode === 'inside' ? 2 : 1);
      for (const row of emitted) assert.equal(sinkRuns.get(row.id), 1);
    });
  }

  it('numbers emitted events per ordering key like ingested ones: a handler ordered by key runs them one at a time, in emission order', async () => {
    orderedOverlap.max = 0;
    const eventId = await start('ordered');
    await settled(eventId);
    assert.deepEqual(orderedRuns.get(eventId), Array.from({ length: ORDERED_EMITS }, (_, index) => index + 1));
    assert.equal(orderedOverlap.max, 1, 'never two jobs of one key at once');
    const [sequence] = await queryRows<{ seqs: number[]; held_left: number }>(
      db,
      `SELECT array_agg(j.ordering_seq::int ORDER BY (e.data->>'n')::int) AS seqs, count(*) FILTER (WHERE j.held)::int AS held_left
       FROM switchyard.jobs j JOIN switchyard.events e ON e.id = j.event_id WHERE e.causation_id = $1 AND j.handler = 'test.emitted-in-order'`,
      [eventId],
    );
    assert.deepEqual(sequence.seqs, Array.from({ length: ORDERED_EMITS }, (_, index) => index + 1), 'numbered in emission order');
    assert.equal(sequence.held_left, 0, 'every held job was released');
  });

  it('rolls the emit back with the rest of once() when the callback throws: nothing stored, nothing run', async () => {
    const eventId = await start('rollback');
    const tree = await settled(eventId);
    assert.equal(tree.roots[0].jobs[0].state, 'dead');
    assert.deepEqual(await emittedBy(eventId), []);
    assert.deepEqual(await queryRows(db, "SELECT count(*)::int AS n FROM switchyard.events WHERE type = 'test.emitted' AND causation_id = $1", [eventId]), [{ n: 0 }]);
    assert.equal(sinkRuns.size, 0);
  });

  for (const [mode, message] of [
    ['unknown-type', /ctx\.emit\("test\.no-such-type"\) in handler test\.emitter: unknown event type; the catalog has .*test\.emitted/],
    ['invalid-data', /ctx\.emit\("test\.emitted"\) in handler test\.emitter: invalid data: data\.n /],
  ] as const) {
    it(`treats ${mode} as a programmer error: a dead letter at once with a clear message, nothing emitted`, async () => {
      const eventId = await start(mode);
      await settled(eventId);
      const [letter] = await queryRows<{ error_name: string; error_message: string; attempts_made: number }>(
        db,
        'SELECT error_name, error_message, attempts_made FROM switchyard.dead_letters WHERE event_id = $1',
        [eventId],
      );
      assert.equal(letter.error_name, 'NonRetryableError');
      assert.match(letter.error_message, message);
      assert.equal(letter.attempts_made, 1);
      assert.deepEqual(await emittedBy(eventId), []);
    });
  }

  it('takes a correlation id from the producer (plain correlationId, CloudEvents correlationid) and passes it down', async () => {
    const plain = await start('outside', false, { correlationId: 'saga-plain-1' });
    await settled(plain);
    assert.deepEqual((await emittedBy(plain)).map((row) => row.correlation_id), ['saga-plain-1']);
    const structured = await stack.post<AcceptedEvent>(
      '/v1/events',
      JSON.stringify({ specversion: '1.0', id: 'ce-1', source: 'urn:test', type: 'test.emit-start', correlationid: 'saga-ce-1', data: { mode: 'outside', failFirst: false } }),
      { 'content-type': 'application/cloudevents+json' },
    );
    assert.equal(structured.status, 202);
    await settled(structured.body.eventId);
    const root = (await stack.get<EventLineage>(`/v1/events/${structured.body.eventId}`)).body;
    assert.deepEqual([root.correlationId, root.causationId], ['saga-ce-1', null]);
    assert.deepEqual((await emittedBy(structured.body.eventId)).map((row) => row.correlation_id), ['saga-ce-1']);
    const tree = (await stack.get<EventTree>(`/v1/events/${structured.body.eventId}/tree`)).body;
    assert.equal(tree.correlationId, 'saga-ce-1');
    assert.equal(tree.roots[0].children[0].type, 'test.emitted');
    const bad = await stack.post('/v1/events', { type: 'test.emit-start', data: { mode: 'outside', failFirst: false }, correlationId: '' });
    assert.equal(bad.status, 400);
  });
});
