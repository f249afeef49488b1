import { Injectable, OnModuleInit } from '@nestjs/common';
import type { DeadLetterFilter, DeadLetterSummary, DryRunAnswer, OperationStatus, RetryAnswer } from '@switchyard/core/contracts';
import { PrismaService, type TransactionClient } from '../../../db/index.js';
import { z } from 'zod';
import { AuditLog } from '../../../foundation/audit/audit-log.js';
import { type DeadLetterSelection, DeadLettersRepository } from '../../../foundation/repositories/dead-letters.repository.js';
import { RoutingTable } from '../../../pipeline/routing/routing-table.js';
import { toFieldErrors } from '../../../foundation/problems/field-errors.js';
import { type Acting, type ActionResult, OperationKinds } from '../../../pipeline/operations/operation-kinds.js';
import { OperationService } from '../../../pipeline/operations/operation.service.js';
import { OutboxPublisher } from '../../../pipeline/outbox/outbox-publisher.js';
import { ProblemError, problems } from '../../../foundation/problems/problem.js';
import { isUuid } from '../../../foundation/paging/cursor.js';
import { DeadLetterEvents } from '../../../pipeline/dead-letters/dead-letter-events.js';
import { deadLetterFilterSchema } from './dead-letter-filter.js';
import { DeadLetterQueryService } from './dead-letter-query.service.js';
import { discard, redrive } from '../../../pipeline/dead-letters/redrive.js';

const reason = z.string().trim().min(1, 'is required').max(1_000);

const bulkSchema = z
  .strictObject({
    ids: z.array(z.uuid()).min(1).max(100_000).optional(),
    filter: deadLetterFilterSchema.optional(),
    dryRun: z.boolean().default(false),
    ratePerSecond: z.int().min(1).max(10_000).default(100),
    reason: reason.optional(),
  })
  .refine((body) => (body.ids === undefined) !== (body.filter === undefined), { message: 'give either ids or filter, not both', path: ['ids'] });

type BulkBody = z.infer<typeof bulkSchema>;

/**
 * What operators do to dead letters: retry and discard, one at a time or in
 * bulk. Every action is audited in the same transaction that performs it.
 */
@Injectable()
export class DeadLetterTriageService implements OnModuleInit {
  constructor(
    private readonly prisma: PrismaService,
    private readonly deadLetters: DeadLettersRepository,
    private readonly routes: RoutingTable,
    private readonly publisher: OutboxPublisher,
    private readonly audit: AuditLog,
    private readonly operations: OperationService,
    private readonly query: DeadLetterQueryService,
    private readonly deadLetterEvents: DeadLetterEvents,
    private readonly kinds: OperationKinds,
  ) {}

  onModuleInit(): void {
    this.kinds.define('dead-letters.retry', (tx, ids, acting) => this.apply('retry', tx, ids, acting));
    this.kinds.define('dead-letters.discard', (tx, ids, acting, params) => this.apply('discard', tx, ids, acting, params.reason));
  }

  /** Re-enqueues one dead letter. A second click while it is being retried makes no second job. */
  async retry(id: string, actor: string): Promise<RetryAnswer> {
    this.assertId(id);
    const result = await this.prisma.$transaction(async (tx) => {
      const auditId = await this.audit.record(tx, { actor, action: 'dead-letter.retry', target: `dead-letter:${id}` });
      return redrive(tx, this.routes, [id], { actor, auditId });
    });
    await this.publisher.publishAfterCommit(result.toPublish);
    const deadLetter = await this.summary(id);
    const done = result.done[0];
    if (done) return { deadLetter, jobId: done.jobId!, created: true };
    const skipped = result.skipped[0];
    if (skipped.status === 'retrying' && skipped.jobId) return { deadLetter, jobId: skipped.jobId, created: false };
    throw this.conflict(id, skipped.reason);
  }

  async discard(id: string, body: unknown, actor: string): Promise<DeadLetterSummary> {
    this.assertId(id);
    const parsed = z.strictObject({ reason }).safeParse(body ?? {});
    if (!parsed.success) throw new ProblemError(problems.invalidRequest('A discard needs a reason', toFieldErrors(parsed.error)));
    const result = await this.prisma.$transaction(async (tx) => {
      const auditId = await this.audit.record(tx, { actor, action: 'dead-letter.discard', target: `dead-letter:${id}`, detail: { reason: parsed.data.reason } });
      return discard(tx, this.deadLetterEvents, [id], parsed.data.reason, { actor, auditId });
    });
    // Discarding the dead letter a key was blocked on moves the key on; the discard's event fans out.
    await this.publisher.publishAfterCommit(result.toPublish);
    const skipped = result.skipped[0];
    if (skipped && skipped.status !== 'discarded') throw this.conflict(id, skipped.reason);
    return this.summary(id);
  }

  /** `POST /v1/dead-letters/retry` and `/discard`: by ids or by filter, dry run or a tracked operation. */
  async bulk(kind: 'retry' | 'discard', input: unknown, actor: string): Promise<DryRunAnswer | OperationStatus> {
    const parsed = bulkSchema.safeParse(input ?? {});
    if (!parsed.success) throw new ProblemError(problems.invalidRequest(`Invalid bulk ${kind}`, toFieldErrors(parsed.error)));
    const body = parsed.data;
    if (kind === 'discard' && !body.dryRun && !body.reason) {
      throw new ProblemError(problems.invalidRequest('A discard needs a reason', [{ path: 'reason', message: 'is required' }]));
    }
    const { selection, filter } = this.targets(kind, body);
    if (body.dryRun) {
      const matched = await this.deadLetters.count(selection);
      const sample = await this.query.matching(selection, 10);
      return { dryRun: true, matched, sample: sample.items };
    }
    const operation = await this.prisma.$transaction(
      async (tx) => {
        const created = await this.operations.create(tx, {
          kind: kind === 'retry' ? 'dead-letters.retry' : 'dead-letters.discard',
          actor,
          filter: body.ids ? { ids: body.ids.length } : filter,
          params: { ratePerSecond: kind === 'retry' ? body.ratePerSecond : 10_000, reason: body.reason },
          items: this.deadLetters.operationItems(selection),
        });
        const auditId = await this.audit.record(tx, {
          actor,
          action: `dead-letters.${kind}`,
          target: `operation:${created.id}`,
          filter: body.ids ? { ids: body.ids } : filter,
          count: created.matched,
          detail: { ratePerSecond: body.ratePerSecond, reason: body.reason },
          operationId: created.id,
        });
        await this.operations.setParams(tx, created.id, { ratePerSecond: kind === 'retry' ? body.ratePerSecond : 10_000, reason: body.reason, auditId: auditId.toString() });
        return created;
      },
      { timeout: 120_000 },
    );
    this.operations.started();
    return this.operations.get(operation.id);
  }

  /** Runs one batch of a bulk operation inside the runner's transaction. */
  apply(kind: 'retry' | 'discard', tx: TransactionClient, ids: string[], acting: Acting, reasonText?: string): Promise<ActionResult> {
    return kind === 'retry' ? redrive(tx, this.routes, ids, acting) : discard(tx, this.deadLetterEvents, ids, reasonText ?? 'discarded in bulk', acting);
  }

  /** Which records a bulk action covers: its ids, or its filter narrowed to the statuses the action applies to. */
  private targets(kind: 'retry' | 'discard', body: BulkBody): { selection: DeadLetterSelection; filter: DeadLetterFilter | null } {
    const eligible = kind === 'retry' ? ['open', 'discarded'] : ['open'];
    if (body.ids) return { selection: { ids: body.ids, statuses: eligible }, filter: null };
    const filter: DeadLetterFilter = { ...body.filter, status: body.filter?.status ?? 'open' };
    if (!eligible.includes(filter.status!)) {
      throw new ProblemError(
        problems.invalidRequest(`Only ${eligible.join(' or ')} dead letters can be ${kind === 'retry' ? 'retried' : 'discarded'}`, [
          { path: 'filter.status', message: `must be ${eligible.join(' or ')}` },
        ]),
      );
    }
    return { selection: { filter }, filter };
  }

  private async summary(id: string): Promise<DeadLetterSummary> {
    const { items } = await this.query.matching({ id }, 1);
    if (!items[0]) throw new ProblemError(problems.notFound(`No dead letter with id ${JSON.stringify(id)}`));
    return items[0];
  }

  private assertId(id: string): void {
    if (!isUuid(id)) throw new ProblemError(problems.notFound(`No dead letter with id ${JSON.stringify(id)}`));
  }

  private conflict(id: string, reasonText: string): ProblemError {
    if (reasonText === 'does not exist') return new ProblemError(problems.notFound(`No dead letter with id ${JSON.stringify(id)}`));
    return new ProblemError({
      type: 'urn:switchyard:problem:dead-letter-state',
      title: 'The dead letter cannot take this action',
      status: 409,
      detail: `Dead letter ${id} ${reasonText}`,
    });
  }
}
