import type { AcceptedEvent } from '@switchyard/core/contracts';
import { freePort, queryRows, runNode, testDatabaseUrl, waitFor } from '@switchyard/testing';
import { anOrder, orderPlacedEvent } from '@switchyard/example-shop';
import { resetWithCatalogue } from './support/database.js';
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { TestStack, testEnv } from './support/stack.js';

const db = testDatabaseUrl();

describe('process lifecycle', () => {
  before(() => resetWithCatalogue(db));

  for (const app of ['api', 'worker']) {
    it(`${app}: exits at once, naming the URL and the fix, when Redis does not answer`, async () => {
      const port = await freePort();
      const run = runNode(`examples/shop/dist/main/${app}.main.js`, testEnv({ REDIS_URL: `redis://127.0.0.1:${port}` }));
      const { code } = await run.exited;
      assert.equal(code, 1);
      assert.match(run.output(), new RegExp(`Cannot reach Redis at redis://127\\.0\\.0\\.1:${port}`));
      assert.match(run.output(), /redis-server --daemonize yes/);
    });

    it(`${app}: exits at once, naming the URL and the fix, when Postgres does not answer`, async () => {
      const port = await freePort();
      const run = runNode(`examples/shop/dist/main/${app}.main.js`, testEnv({ DATABASE_URL: `postgresql://app:secret@127.0.0.1:${port}/switchyard` }));
      const { code } = await run.exited;
      assert.equal(code, 1);
      assert.match(run.output(), new RegExp(`Cannot reach Postgres at postgresql://app:\\*\\*\\*@127\\.0\\.0\\.1:${port}/switchyard`));
      assert.doesNotMatch(run.output(), /secret/, 'passwords are masked');
    });
  }

  it('refuses an invalid configuration, naming each variable', async () => {
    const run = runNode('examples/shop/dist/main/api.main.js', testEnv({ PORT: 'eighty', MAX_EVENT_BYTES: '-1' }));
    const { code } = await run.exited;
    assert.equal(code, 1);
    assert.match(run.output(), /PORT:/);
    assert.match(run.output(), /MAX_EVENT_BYTES:/);
  });

  describe('a worker on SIGTERM', () => {
    let stack: TestStack;
    before(async () => {
      stack = await TestStack.start({ worker: false, env: { PAYMENT_TIMEOUT_MS: '1500' } });
    });
    after(() => stack.close());

    it('finishes the job in flight, records it, and exits 0', async () => {
      const worker = runNode('examples/shop/dist/main/worker.main.js', stack.env);
      await waitFor('worker ready', () => /Switchyard worker .* ready/.test(worker.output()));
      const { body } = await stack.post<AcceptedEvent>('/v1/events', orderPlacedEvent(anOrder({ token: 'tok_unavailable' })));
      const paymentJob = body.jobs.find((job) => job.handler === 'payment.charge')!.id;
      await waitFor('payment job running', async () => (await stack.queue('payment').getJob(paymentJob))?.getState().then((state) => state === 'active'));
      const signalled = Date.now();
      worker.child.kill('SIGTERM');
      const { code } = await worker.exited;
      assert.equal(code, 0, worker.output());
      assert.ok(Date.now() - signalled < 5_000, 'within the grace period');
      // The in-flight attempt ran to its end (a gateway timeout) and was recorded, not abandoned.
      const attempts = await queryRows(db, "SELECT error_name FROM job_attempts WHERE event_id = $1 AND handler = 'payment.charge'", [body.eventId]);
      assert.deepEqual(attempts, [{ error_name: 'GatewayTimeoutError' }]);
      const state = await (await stack.queue('payment').getJob(paymentJob))?.getState();
      assert.ok(state === 'delayed' || state === 'waiting', `handed back for its retry, got ${state}`);
    });
  });
});
