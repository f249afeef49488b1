// The bulk-operation lease against the real Postgres (operations/operation-runner.ts):
// two runners given the same WORKER_ID are two lease holders, and a batch
// whose holder lost the lease mid-way rolls back and publishes nothing.
import { type ActionResult, OperationKinds, OperationRunner, OperationSignal, OperationsRepository, type OutboxPublisher, type SwitchyardConfig } from '@switchyard/server/internal';
import { PrismaService } from '@switchyard/server/internal';
import { queryRows, resetDatabase, testDatabaseUrl, waitFor } from '@switchyard/testing';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';

const db = testDatabaseUrl();

/** A stand-in for a kind's batch: each item becomes one job to publish; `hold` keeps a batch open inside its transaction. */
class RecordingTriage {
  readonly batches: string[][] = [];
  hold: Promise<void> | null = null;
  entered: () => void = () => undefined;

  async apply(ids: string[]) {
    this.batches.push(ids);
    this.entered();
    if (this.hold) await this.hold;
    return { done: ids.map((id) => ({ id, jobId: `job-${id}` })), skipped: [], toPublish: ids.map((id) => ({ jobId: `job-${id}` })) };
  }
}

class RecordingPublisher {
  readonly published: string[] = [];
  async publishAfterCommit(entries: Array<{ jobId: string }>): Promise<void> {
    this.published.push(...entries.map((entry) => entry.jobId));
  }
}

describe('bulk operation lease', () => {
  const prisma = new PrismaService({ url: db, poolSize: 6 });
  const runners: OperationRunner[] = [];
  const aRunner = (workerId: string, triage: RecordingTriage, publisher: RecordingPublisher) => {
    const kinds = new OperationKinds();
    kinds.define('dead-letters.retry', (_tx, ids) => triage.apply(ids) as unknown as Promise<ActionResult>);
    const runner = new OperationRunner(prisma, new OperationsRepository(prisma), new OperationSignal(), kinds, publisher as unknown as OutboxPublisher, { worker: { id: workerId }, operations: { leaseMs: 30_000 } } as SwitchyardConfig);
    runners.push(runner);
    return runner;
  };

  before(async () => {
    await prisma.$connect();
    await resetDatabase(db);
  });
  after(async () => {
    await Promise.all(runners.map((runner) => runner.onModuleDestroy()));
    await prisma.$disconnect();
  });

  it('gives each process a lease owner of its own, even under one WORKER_ID', () => {
    const [a, b] = [aRunner('api-1', new RecordingTriage(), new RecordingPublisher()), aRunner('api-1', new RecordingTriage(), new RecordingPublisher())];
    assert.match(a.owner, /^api-1#[0-9a-f]{8}$/);
    assert.notEqual(a.owner, b.owner);
  });

  it('lets a holder frozen past its lease neither commit nor publish the batch it was in', async () => {
    const operationId = randomUUID();
    const items = Array.from({ length: 3 }, () => randomUUID());
    await queryRows(db, `INSERT INTO switchyard.operations (id, kind, status, actor, filter, params, matched) VALUES ($1, 'dead-letters.retry', 'running', 'test', '{}', '{"ratePerSecond": 1000}', 3)`, [operationId]);
    await queryRows(db, 'INSERT INTO switchyard.operation_items (operation_id, seq, item_id) SELECT $1, n, (ARRAY[$2, $3, $4]::uuid[])[n] FROM generate_series(1, 3) n', [operationId, ...items]);

    // A claims and freezes inside its first batch (as SIGSTOP would, mid-transaction).
    const frozenTriage = new RecordingTriage();
    let thaw: () => void = () => undefined;
    frozenTriage.hold = new Promise((resolve) => (thaw = resolve));
    const inBatch = new Promise<void>((resolve) => (frozenTriage.entered = resolve));
    const frozenPublisher = new RecordingPublisher();
    const frozen = aRunner('api-1', frozenTriage, frozenPublisher);
    frozen.onApplicationBootstrap();
    await inBatch;

    // Its lease lapses; a process with the same WORKER_ID takes the operation over and finishes it.
    await queryRows(db, "UPDATE switchyard.operations SET lease_until = now() - interval '1 second' WHERE id = $1", [operationId]);
    const takeoverPublisher = new RecordingPublisher();
    aRunner('api-1', new RecordingTriage(), takeoverPublisher).onApplicationBootstrap();
    await waitFor('the new holder to finish', async () => (await queryRows<{ status: string }>(db, 'SELECT status FROM switchyard.operations WHERE id = $1', [operationId]))[0].status === 'completed');

    // A thaws: its batch finds the lease gone, rolls back and publishes nothing.
    thaw();
    await frozen.onModuleDestroy(); // returns once the batch in flight (and its publish, if any) is over
    assert.equal(frozenTriage.batches.length, 1);
    assert.deepEqual(frozenPublisher.published, [], 'the batch of a lost lease publishes nothing');
    assert.deepEqual(takeoverPublisher.published.sort(), items.map((id) => `job-${id}`).sort(), 'each item published once, by the holder');
    const [operation] = await queryRows<{ done: number; failed: number; status: string }>(db, 'SELECT done, failed, status FROM switchyard.operations WHERE id = $1', [operationId]);
    assert.deepEqual(operation, { done: 3, failed: 0, status: 'completed' });
    assert.deepEqual(await queryRows(db, "SELECT count(*)::int AS n FROM switchyard.operation_items WHERE operation_id = $1 AND status = 'done'", [operationId]), [{ n: 3 }]);
  });
});
