import type { AcceptedEvent, DeadLetterDetail, DeadLetterGroup, DeadLetterPage, DeadLetterSummary, DryRunAnswer, OperationStatus, Problem, RetryAnswer } from '@switchyard/core/contracts';
import { get, post, queryRows, testDatabaseUrl, waitFor } from '@switchyard/testing';
import { anOrder, orderPlacedEvent } from '@switchyard/example-shop';
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { seen } from './fixtures/test-handlers.js';
import { resetWithCatalogue } from './support/database.js';
import { seedDeadLetters } from './support/dead-letter-seed.js';
import { TestStack } from './support/stack.js';

const db = testDatabaseUrl();
const alice = { 'X-Actor': 'alice' };

describe('dead-letter triage', () => {
  let stack: TestStack;
  before(async () => {
    await resetWithCatalogue(db);
    stack = await TestStack.start();
  });
  after(() => stack.close());

  const deadLetterOf = async (eventId: string, handler: string): Promise<DeadLetterSummary> => {
    const [row] = await queryRows<{ id: string }>(db, 'SELECT id::text FROM switchyard.dead_letters WHERE event_id = $1 AND handler = $2', [eventId, handler]);
    return (await stack.get<DeadLetterDetail>(`/v1/dead-letters/${row.id}`)).body;
  };
  const waitForStatus = (id: string, status: string, timeoutMs = 15_000) =>
    waitFor(`dead letter ${id} ${status}`, async () => {
      const { body } = await stack.get<DeadLetterDetail>(`/v1/dead-letters/${id}`);
      return body.status === status && body;
    }, { timeoutMs });
  const deadPayment = async (token = 'tok_declined'): Promise<{ eventId: string; deadLetter: DeadLetterSummary }> => {
    const { body } = await stack.post<AcceptedEvent>('/v1/events', orderPlacedEvent(anOrder({ token })));
    await waitFor('payment dead-lettered', async () => (await queryRows(db, "SELECT 1 FROM switchyard.dead_letters WHERE event_id = $1 AND handler = 'payment.charge'", [body.eventId])).length === 1);
    return { eventId: body.eventId, deadLetter: await deadLetterOf(body.eventId, 'payment.charge') };
  };

  it('shows a dead letter with its event, payload, attempts and trail', async () => {
    const { eventId, deadLetter } = await deadPayment();
    const { status, body } = await stack.get<DeadLetterDetail>(`/v1/dead-letters/${deadLetter.id}`);
    assert.equal(status, 200);
    assert.equal(body.status, 'open');
    assert.equal(body.event?.id, eventId);
    assert.equal((body.payload as { id: string }).id, eventId);
    assert.deepEqual(body.attempts.map((attempt) => [attempt.attempt, attempt.errorName, attempt.retryable]), [[1, 'CardDeclinedError', false]]);
    assert.match(body.attempts[0].errorStack ?? '', /CardDeclinedError: card declined/);
    assert.deepEqual(body.actions.map((action) => [action.actor, action.action, action.fromStatus, action.toStatus]), [['system', 'dead-lettered', 'none', 'open']]);
    assert.equal((await stack.get('/v1/dead-letters/00000000-0000-0000-0000-000000000000')).status, 404);
  });

  it('retries one: a fixed cause leads to resolved; a double click makes one job', async () => {
    const order = anOrder({ items: [{ sku: 'SKU-LAST-ONE', quantity: 3, unitPrice: 100 }] });
    const { body: accepted } = await stack.post<AcceptedEvent>('/v1/events', orderPlacedEvent(order));
    await waitFor('reservation dead-lettered', async () => (await queryRows(db, "SELECT 1 FROM switchyard.dead_letters WHERE event_id = $1 AND handler = 'inventory.reserve'", [accepted.eventId])).length === 1);
    const deadLetter = await deadLetterOf(accepted.eventId, 'inventory.reserve');
    await queryRows(db, "UPDATE shop.stock_items SET available = 10 WHERE sku = 'SKU-LAST-ONE'"); // the fix

    const url = stack.url(`/v1/dead-letters/${deadLetter.id}/retry`);
    const [first, second] = await Promise.all([post<RetryAnswer>(url, '', { ...stack.auth, ...alice }), post<RetryAnswer>(url, '', { ...stack.auth, ...alice })]);
    assert.deepEqual([first.status, second.status], [202, 202]);
    assert.equal(first.body.jobId, second.body.jobId);
    assert.deepEqual([first.body.created, second.body.created].sort(), [false, true]);
    assert.equal(first.body.jobId, `${accepted.eventId}.inventory.reserve.r1`);

    const resolved = await waitForStatus(deadLetter.id, 'resolved');
    assert.equal(resolved.redrives, 1);
    assert.deepEqual(resolved.actions.map((action) => [action.actor, action.action, action.toStatus]), [
      ['system', 'dead-lettered', 'open'],
      ['alice', 'retry', 'retrying'],
      ['system', 'resolved', 'resolved'],
    ]);
    assert.deepEqual(await queryRows(db, 'SELECT count(*)::int AS n FROM switchyard.jobs WHERE id LIKE $1', [`${accepted.eventId}.inventory.reserve.r%`]), [{ n: 1 }]);
    assert.deepEqual(await queryRows(db, 'SELECT quantity FROM shop.stock_reservations WHERE order_id = $1', [order.orderId]), [{ quantity: 3 }]);
    const again = await post<Problem>(url, '', { ...stack.auth, ...alice });
    assert.equal(again.status, 409, 'a resolved dead letter is not retried');
  });

  it('appends to the same record when a retried job fails again', async () => {
    const { deadLetter } = await deadPayment();
    const retry = await stack.post<RetryAnswer>(`/v1/dead-letters/${deadLetter.id}/retry`, '');
    assert.equal(retry.status, 202);
    const reopened = await waitFor('the retry to fail again', async () => {
      const { body } = await stack.get<DeadLetterDetail>(`/v1/dead-letters/${deadLetter.id}`);
      return body.actions.some((action) => action.action === 'failed-again') && body;
    });
    assert.equal(reopened.status, 'open');
    assert.equal(reopened.attemptsMade, 2);
    assert.equal(reopened.jobId, retry.body.jobId, 'the record points at the latest job');
    assert.deepEqual(reopened.attempts.map((attempt) => attempt.jobId), [deadLetter.jobId, retry.body.jobId]);
    assert.deepEqual(reopened.actions.map((action) => action.action), ['dead-lettered', 'retry', 'failed-again']);
    assert.deepEqual(await queryRows(db, 'SELECT count(*)::int AS n FROM switchyard.dead_letters WHERE event_id = $1', [deadLetter.eventId]), [{ n: 1 }]);
  });

  it('discards with a reason, and refuses without one', async () => {
    const { deadLetter } = await deadPayment();
    const noReason = await stack.post<Problem>(`/v1/dead-letters/${deadLetter.id}/discard`, {});
    assert.equal(noReason.status, 400);
    assert.equal(noReason.body.errors?.[0].path, 'reason');
    const discarded = await stack.post<DeadLetterSummary>(`/v1/dead-letters/${deadLetter.id}/discard`, { reason: 'customer paid by bank transfer' }, alice);
    assert.equal(discarded.status, 200);
    assert.equal(discarded.body.status, 'discarded');
    const detail = (await stack.get<DeadLetterDetail>(`/v1/dead-letters/${deadLetter.id}`)).body;
    assert.equal(detail.discardReason, 'customer paid by bank transfer');
    assert.deepEqual(detail.actions.at(-1), { ...detail.actions.at(-1)!, actor: 'alice', action: 'discard', toStatus: 'discarded', reason: 'customer paid by bank transfer' });
  });

  it('retries in bulk by filter: dry run first, then a paced operation ending in resolved', async () => {
    seen.broken = true;
    const ids: string[] = [];
    for (let n = 0; n < 12; n++) ids.push((await stack.post<AcceptedEvent>('/v1/events', { type: 'test.switchable', data: { n } })).body.eventId);
    await waitFor('twelve dead letters', async () => (await queryRows(db, "SELECT 1 FROM switchyard.dead_letters WHERE handler = 'test.switchable' AND status = 'open'")).length === 12);
    const [group] = (await stack.get<DeadLetterGroup[]>('/v1/dead-letters/groups?handler=test.switchable')).body;
    assert.equal(group.count, 12, 'messages differing only in ids form one group');
    assert.equal(group.pattern, 'Order <id> failed: downstream rejected <str>');

    const dryRun = await stack.post<DryRunAnswer>('/v1/dead-letters/retry', { filter: { fingerprint: group.fingerprint }, dryRun: true }, alice);
    assert.equal(dryRun.status, 200);
    assert.equal(dryRun.body.matched, 12);
    assert.equal(dryRun.body.sample.length, 10);
    assert.deepEqual(await queryRows(db, "SELECT count(*)::int AS n FROM switchyard.dead_letters WHERE handler = 'test.switchable' AND status = 'open'"), [{ n: 12 }], 'a dry run changes nothing');

    seen.broken = false; // the fix is deployed
    const started = Date.now();
    const operation = await stack.post<OperationStatus>('/v1/dead-letters/retry', { filter: { fingerprint: group.fingerprint }, ratePerSecond: 4 }, alice);
    assert.equal(operation.status, 202);
    assert.equal(operation.headers.get('location'), `/v1/operations/${operation.body.id}`);
    assert.equal(operation.body.matched, 12);
    const done = await waitFor('the operation to complete', async () => {
      const { body } = await stack.get<OperationStatus>(`/v1/operations/${operation.body.id}`);
      return body.status === 'completed' && body;
    }, { timeoutMs: 20_000 });
    const elapsed = Date.now() - started;
    assert.deepEqual([done.matched, done.done, done.failed], [12, 12, 0]);
    assert.ok(elapsed >= 2_000, `4 per second for 12 takes about 3 s, took ${elapsed} ms`);
    await waitFor('all twelve resolved', async () => (await queryRows(db, "SELECT 1 FROM switchyard.dead_letters WHERE handler = 'test.switchable' AND status = 'resolved'")).length === 12);

    const [audit] = await queryRows<{ actor: string; action: string; target: string; count: number; filter: unknown }>(
      db,
      "SELECT actor, action, target, count, filter FROM switchyard.audit_log WHERE action = 'dead-letters.retry'",
    );
    assert.deepEqual(audit, { actor: 'alice', action: 'dead-letters.retry', target: `operation:${operation.body.id}`, count: 12, filter: { status: 'open', fingerprint: group.fingerprint } });
    assert.deepEqual(
      await queryRows(db, "SELECT count(*)::int AS n FROM switchyard.dead_letter_actions a JOIN switchyard.audit_log l ON l.id = a.audit_id WHERE l.action = 'dead-letters.retry'"),
      [{ n: 12 }],
      'the audit row leads to every record it touched',
    );
  });

  it('discards in bulk by ids, and rejects a request with both ids and filter', async () => {
    const first = await deadPayment();
    const second = await deadPayment();
    const both = await stack.post<Problem>('/v1/dead-letters/discard', { ids: [first.deadLetter.id], filter: {}, reason: 'x' });
    assert.equal(both.status, 400);
    const operation = await stack.post<OperationStatus>('/v1/dead-letters/discard', { ids: [first.deadLetter.id, second.deadLetter.id], reason: 'test orders' }, alice);
    assert.equal(operation.status, 202);
    await waitFor('discarded', async () => (await stack.get<OperationStatus>(`/v1/operations/${operation.body.id}`)).body.status === 'completed');
    for (const { deadLetter } of [first, second]) {
      assert.equal((await stack.get<DeadLetterDetail>(`/v1/dead-letters/${deadLetter.id}`)).body.status, 'discarded');
    }
  });

  describe('with 10,000 dead letters stored', () => {
    before(() => seedDeadLetters(db, 10_000));

    it('pages through all of them, newest first, without repeats', async () => {
      const seenIds = new Set<string>();
      let previous = Infinity;
      let cursor: string | null = null;
      let pages = 0;
      do {
        const url: string = stack.url(`/v1/dead-letters?handler=seed.handler&limit=500${cursor ? `&cursor=${cursor}` : ''}`);
        const { body }: { body: DeadLetterPage } = await get<DeadLetterPage>(url, stack.auth);
        for (const item of body.items) {
          assert.ok(!seenIds.has(item.id));
          seenIds.add(item.id);
          const at = Date.parse(item.lastFailedAt);
          assert.ok(at <= previous, 'newest first');
          previous = at;
        }
        cursor = body.nextCursor;
        pages++;
      } while (cursor);
      assert.equal(seenIds.size, 10_000);
      assert.equal(pages, 20);
    });

    it('filters by status, queue, event type, time range and text in payload or error', async () => {
      const count = async (query: string) => {
        let total = 0;
        let cursor: string | null = null;
        do {
          const { body }: { body: DeadLetterPage } = await stack.get<DeadLetterPage>(`/v1/dead-letters?handler=seed.handler&limit=500&${query}${cursor ? `&cursor=${cursor}` : ''}`);
          total += body.items.length;
          cursor = body.nextCursor;
        } while (cursor);
        return total;
      };
      assert.equal(await count('status=discarded'), 1_000); // every 10th
      assert.equal(await count('queue=seed-b'), 5_000);
      assert.equal(await count('eventType=seed.even'), 5_000);
      assert.equal(await count('q=cus_77x'), 10); // customer id in the payload
      assert.equal(await count('q=timeout%20after'), 2_500); // error text
      const [row] = await queryRows<{ at: Date }>(db, "SELECT last_failed_at AS at FROM switchyard.dead_letters WHERE handler = 'seed.handler' ORDER BY last_failed_at DESC OFFSET 99 LIMIT 1");
      assert.equal(await count(`since=${row.at.toISOString()}`), 100);
      const bad = await stack.get<Problem>('/v1/dead-letters?status=lost&since=yesterday&colour=red');
      assert.equal(bad.status, 400);
      assert.deepEqual(bad.body.errors?.map((error) => error.path).sort(), ['colour', 'since', 'status']);
    });

    it('groups them by fingerprint with counts and first and last seen', async () => {
      const { body } = await stack.get<DeadLetterGroup[]>('/v1/dead-letters/groups?handler=seed.handler');
      assert.equal(body.length, 4, 'four error shapes, whatever the ids in them');
      assert.equal(body.reduce((sum, group) => sum + group.count, 0), 10_000);
      for (const group of body) assert.ok(Date.parse(group.firstSeen) <= Date.parse(group.lastSeen));
      const timeouts = body.find((group) => group.pattern.startsWith('Gateway timeout after'));
      assert.equal(timeouts?.count, 2_500);
      assert.equal(timeouts?.pattern, 'Gateway timeout after <n> ms for <id>');
    });
  });
});
