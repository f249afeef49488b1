import { Inject, Injectable, Logger, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import { randomBytes } from 'node:crypto';
import { limitIdleInTransaction, PrismaService, type TransactionClient } from '../../db/index.js';
import { type LeasedOperation, OperationsRepository } from '../../foundation/repositories/operations.repository.js';
import { BackgroundLoop } from '../../foundation/background/background-loop.js';
import { SWITCHYARD_CONFIG, type SwitchyardConfig } from '../../foundation/config/core-config.js';
import { OutboxPublisher } from '../outbox/outbox-publisher.js';
import { type Acting, type ActionResult, OperationKinds, type OperationParams } from './operation-kinds.js';
import { OperationSignal } from './operation.service.js';

const TICK_MS = 250;
const MAX_BATCH = 500;
const IDLE_POLL_MS = 2_000;
const MAX_BATCH_FAILURES = 5;

/** An operation this runner leased, its params as the service that created it stored them. */
type ClaimedOperation = Omit<LeasedOperation, 'params'> & { params: OperationParams | null };

/**
 * Works through bulk operations in the background, paced at their
 * `ratePerSecond`. An operation is leased to one API process at a time and
 * taken over by another when the lease lapses (the holder died or froze).
 * Each batch acts, marks its items and renews the lease in one transaction,
 * and publishes its jobs only once that committed: a holder that lost its
 * lease rolls its batch back and publishes nothing, so a crash or a freeze
 * never does an item twice or loses one. A holder frozen mid-batch loses its
 * session after a lease idle in the transaction, so its locks do not hold
 * up the process that took over.
 */
@Injectable()
export class OperationRunner implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger(OperationRunner.name);
  private readonly loop: BackgroundLoop;
  /**
   * Who holds a lease: WORKER_ID plus a random part of this process's own,
   * so two processes given the same WORKER_ID (a copied manifest, a default)
   * are still two holders and one cannot renew the other's lease.
   */
  readonly owner: string;
  /** How long a claim or a batch holds the operation (OPERATION_LEASE_MS). */
  private readonly leaseSeconds: number;

  constructor(
    private readonly prisma: PrismaService,
    private readonly operations: OperationsRepository,
    signal: OperationSignal,
    private readonly kinds: OperationKinds,
    private readonly publisher: OutboxPublisher,
    @Inject(SWITCHYARD_CONFIG) config: SwitchyardConfig,
  ) {
    this.owner = `${config.worker.id}#${randomBytes(4).toString('hex')}`;
    this.leaseSeconds = config.operations.leaseMs / 1000;
    this.loop = new BackgroundLoop(() => this.pass(), { name: 'Operation runner', signal, retryDelayMs: () => IDLE_POLL_MS });
  }

  onApplicationBootstrap(): void {
    this.loop.start();
  }

  onModuleDestroy(): Promise<void> {
    return this.loop.stop();
  }

  /** Works through the next operation nobody holds; returns how long to wait before looking again. */
  private async pass(): Promise<number> {
    const operation = await this.claim();
    if (!operation) return IDLE_POLL_MS;
    await this.work(operation);
    return 0;
  }

  private async claim(): Promise<ClaimedOperation | null> {
    return (await this.operations.claimNext(this.owner, this.leaseSeconds)) as ClaimedOperation | null;
  }

  private async work(operation: ClaimedOperation): Promise<void> {
    let failures = 0;
    const rate = operation.params?.ratePerSecond ?? 100;
    // Small batches often for low rates; at high rates, batches as large as MAX_BATCH.
    const tick = Math.max(TICK_MS, Math.ceil((1000 * 1) / rate));
    const batch = Math.min(MAX_BATCH, Math.max(1, Math.round((rate * tick) / 1000)));
    while (this.loop.running) {
      const started = Date.now();
      try {
        const outcome = await this.step(operation, batch);
        if (outcome === 'finished' || outcome === 'lost') return;
        failures = 0;
      } catch (error) {
        // A batch that keeps failing would otherwise hold the operation forever.
        if (++failures >= MAX_BATCH_FAILURES) return this.fail(operation, error as Error);
        this.logger.warn(`Operation ${operation.id}: batch failed (${(error as Error).message}); retrying`);
        await delay(1_000 * failures);
      }
      await delay(Math.max(0, tick - (Date.now() - started)));
    }
  }

  /**
   * One batch in one transaction; publishing the redriven jobs follows the
   * commit. Only a committed batch publishes: a batch rolled back because
   * another process took the lease over must not put its jobs in Redis (the
   * new holder redrives those items under the same job ids, and a job that
   * already ran and left Redis would run again).
   */
  private async step(operation: ClaimedOperation, size: number): Promise<'continue' | 'finished' | 'lost'> {
    const { outcome, toPublish } = await this.prisma.$transaction(
      async (tx) => {
        // A holder frozen in here would keep the batch's dead letters locked, and its successor waiting on
        // them; after a lease idle in the transaction (the lease has lapsed by then) Postgres ends it.
        await limitIdleInTransaction(tx, this.leaseSeconds * 1000);
        const items = await this.operations.pendingItems(tx, operation.id, size);
        if (items.length === 0) {
          await this.operations.complete(tx, operation.id, this.owner);
          return { outcome: 'finished' as const, toPublish: [] };
        }
        const result = await this.apply(tx, operation, items.map((item) => item.itemId));
        const seqOf = new Map(items.map((item) => [item.itemId, item.seq]));
        await this.operations.markItems(tx, operation.id, [
          ...result.done.map(({ id }) => ({ seq: seqOf.get(id)!, status: 'done' as const, error: null })),
          ...result.skipped.map(({ id, reason }) => ({ seq: seqOf.get(id)!, status: 'failed' as const, error: reason })),
        ]);
        const renewed = await this.operations.recordBatch(tx, operation.id, this.owner, { done: result.done.length, failed: result.skipped.length }, this.leaseSeconds);
        // Another process took the operation over (our lease lapsed): undo this batch.
        if (!renewed) throw new LeaseLost();
        return { outcome: 'continue' as const, toPublish: result.toPublish };
      },
      { timeout: 60_000 },
    ).catch((error: unknown) => {
      if (error instanceof LeaseLost) {
        this.logger.warn(`Operation ${operation.id}: lease lost to another process; batch rolled back`);
        return { outcome: 'lost' as const, toPublish: [] as ActionResult['toPublish'] };
      }
      throw error;
    });
    await this.publisher.publishAfterCommit(toPublish);
    return outcome;
  }

  private async fail(operation: ClaimedOperation, error: Error): Promise<void> {
    this.logger.error(`Operation ${operation.id} failed: ${error.message}`);
    await this.operations.fail(operation.id, this.owner, error.message.slice(0, 2_000));
  }

  private apply(tx: TransactionClient, operation: ClaimedOperation, ids: string[]): Promise<ActionResult> {
    const acting: Acting = { actor: operation.actor, auditId: BigInt(operation.params?.auditId ?? 0), operationId: operation.id };
    return this.kinds.batchOf(operation.kind)(tx, ids, acting, operation.params ?? {});
  }
}

class LeaseLost extends Error {}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
