// Scenario 10: two ingest transactions commit out of id order — the later
// one first. A relay that remembered "the highest id seen" would skip the
// earlier one for good; Switchyard's relay picks rows by age and state, so
// both are published.
import { waitFor } from '@switchyard/testing';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { Client } from 'pg';
import { check, describeVerdict } from './harness/checker.js';
import { aTask, FAULT_TIMERS, FaultStack } from './harness/fault-stack.js';
import { FAULT_HANDLERS } from './fixtures/fault-events.js';
import type { AcceptedEvent } from '@switchyard/core/contracts';

describe('scenario 10: two ingest transactions committing out of id order', () => {
  let stack: FaultStack;
  before(async () => {
    stack = await FaultStack.start();
    await stack.startApi();
    await stack.startWorker();
  });
  after(() => stack.close());

  /** Opens a transaction that writes an event and its outbox rows, as ingest does, and leaves it uncommitted. */
  async function openIngest(): Promise<{ client: Client; event: AcceptedEvent }> {
    const client = new Client({ connectionString: stack.databaseUrl });
    await client.connect();
    const eventId = randomUUID();
    await client.query('BEGIN');
    await client.query("INSERT INTO switchyard.events (id, type, source, format, data, received_at) VALUES ($1, 'fault.task', 'urn:faults', 'json', $2, now())", [eventId, JSON.stringify(aTask())]);
    const jobs = FAULT_HANDLERS.map((handler) => ({ id: `${eventId}.${handler}`, queue: handler === 'fault.apply' ? 'fault-apply' : 'fault-tally', handler }));
    for (const job of jobs) {
      await client.query(
        `INSERT INTO switchyard.jobs (id, event_id, handler, queue, attempts, backoff, created_at)
         VALUES ($1, $2, $3, $4, 3, '{"type":"exponential","delay":100,"jitter":0.5}', now())`,
        [job.id, eventId, job.handler, job.queue],
      );
    }
    return { client, event: { eventId, type: 'fault.task', duplicate: false, jobs } };
  }

  const published = async (event: AcceptedEvent) =>
    (await stack.query<{ n: number }>('SELECT count(*)::int AS n FROM switchyard.jobs WHERE event_id = $1 AND published_at IS NOT NULL', [event.eventId]))[0].n === 2;

  it('publishes both, the earlier-created one after the later', async () => {
    const first = await openIngest();
    await new Promise((resolve) => setTimeout(resolve, 50)); // so `first` is older by created_at and by id order
    const second = await openIngest();
    await second.client.query('COMMIT');
    await waitFor('the later transaction published by the relay', () => published(second.event), { timeoutMs: 15_000 });
    assert.equal(await published(first.event), false, 'the earlier one is still uncommitted');
    await first.client.query('COMMIT');
    await Promise.all([first.client.end(), second.client.end()]);

    await waitFor('the earlier transaction published too', () => published(first.event), { timeoutMs: 15_000 });
    const accepted = [first.event, second.event];
    await waitFor('both applied', async () => (await stack.query<{ n: number }>('SELECT count(*)::int AS n FROM effects'))[0].n === 4, { timeoutMs: 15_000 });
    const verdict = await check(stack, accepted, FAULT_TIMERS.maxStalledCount);
    console.log(`scenario 10: ${describeVerdict(verdict)}`);
    assert.deepEqual(verdict.lost, []);
    assert.equal(verdict.duplicatedEffects, 0);
  });
});
