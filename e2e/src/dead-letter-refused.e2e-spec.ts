import type { AcceptedEvent } from '@switchyard/core/contracts';
import { queryRows, testDatabaseUrl, waitFor } from '@switchyard/testing';
import { anOrder, orderPlacedEvent } from '@switchyard/example-shop';
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { resetWithCatalogue } from './support/database.js';
import { TestStack } from './support/stack.js';

const db = testDatabaseUrl();
const ROLE = 'switchyard_test_worker';

/**
 * The worker connects as a role of its own whose right to write dead letters
 * the test takes away and gives back: a real Postgres refusing the write, as
 * it would while down, without stopping the shared server.
 */
describe('a job whose dead letter cannot be written is held, not dropped', () => {
  let stack: TestStack;
  before(async () => {
    await resetWithCatalogue(db);
    await queryRows(db, `DO $$ BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '${ROLE}') THEN CREATE ROLE ${ROLE} LOGIN; END IF; END $$`);
    await queryRows(db, `GRANT USAGE ON SCHEMA switchyard, shop TO ${ROLE}; GRANT ALL ON ALL TABLES IN SCHEMA switchyard, shop, public TO ${ROLE}; GRANT ALL ON ALL SEQUENCES IN SCHEMA switchyard, shop, public TO ${ROLE}; GRANT EXECUTE ON ALL FUNCTIONS IN SCHEMA switchyard TO ${ROLE}`);
    await queryRows(db, `REVOKE INSERT ON switchyard.dead_letters FROM ${ROLE}`);
    stack = await TestStack.start({ worker: false });
    const url = new URL(db);
    url.username = ROLE;
    await stack.startWorker({ DATABASE_URL: url.toString() });
  });
  after(async () => {
    await stack.close();
    await queryRows(db, `DROP OWNED BY ${ROLE}; DROP ROLE IF EXISTS ${ROLE}`);
  });

  it('keeps the job in BullMQ until Postgres takes the dead letter, then writes it once', async () => {
    const { body } = await stack.post<AcceptedEvent>('/v1/events', orderPlacedEvent(anOrder({ token: 'tok_declined' })));
    const jobId = body.jobs.find((job) => job.handler === 'payment.charge')!.id;
    const state = async () => (await stack.queue('payment').getJob(jobId))?.getState();

    await waitFor('the job to be held back in delayed', async () => (await state()) === 'delayed');
    assert.deepEqual(await queryRows(db, 'SELECT * FROM switchyard.dead_letters'), []);

    await queryRows(db, `GRANT INSERT ON switchyard.dead_letters TO ${ROLE}`);
    await waitFor('BullMQ to fail the job', async () => (await state()) === 'failed', { timeoutMs: 20_000 });
    assert.deepEqual(await queryRows(db, 'SELECT handler, attempts_made, status FROM switchyard.dead_letters WHERE event_id = $1', [body.eventId]), [
      { handler: 'payment.charge', attempts_made: 1, status: 'open' },
    ]);
  });
});
