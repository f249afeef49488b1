// Shapes of the dead-letter and operations endpoints.

/** Where a dead letter stands: waiting for an operator, redriven and running, resolved by a later success, or discarded. */
export type DeadLetterStatus = 'open' | 'retrying' | 'resolved' | 'discarded';

/** `GET /v1/dead-letters/stats`: how many dead letters are in each status. */
export type DeadLetterStats = Record<DeadLetterStatus, number>;

/** A dead letter as lists answer it: which job of which event failed for good, and how. */
export interface DeadLetterSummary {
  id: string;
  status: DeadLetterStatus;
  queue: string;
  handler: string;
  eventType: string;
  eventId: string;
  /** The last job that failed: the original, or the latest redrive. */
  jobId: string;
  errorName: string;
  errorMessage: string;
  fingerprint: string;
  attemptsMade: number;
  redrives: number;
  firstFailedAt: string;
  lastFailedAt: string;
}

/** `GET /v1/dead-letters`: newest first; pass `nextCursor` as `cursor` for the next page (null on the last). */
export interface DeadLetterPage {
  items: DeadLetterSummary[];
  nextCursor: string | null;
}

/** One failed attempt of a dead letter's job (or of a redrive's), as the worker recorded it. */
export interface AttemptRecord {
  jobId: string;
  attempt: number;
  workerId: string;
  startedAt: string;
  finishedAt: string;
  durationMs: number;
  errorName: string;
  errorMessage: string;
  errorStack: string | null;
  retryable: boolean;
}

/** One status change of a dead letter: who (an operator or `system`), when, from what to what, and why. */
export interface DeadLetterAction {
  at: string;
  actor: string;
  action: string;
  fromStatus: string;
  toStatus: string;
  jobId: string | null;
  reason: string | null;
  auditId: string | null;
}

/** `GET /v1/dead-letters/:id`: the summary with the job's payload, its event, every attempt and every action. */
export interface DeadLetterDetail extends DeadLetterSummary {
  payload: unknown;
  discardReason: string | null;
  event: { id: string; type: string; source: string; subject: string | null; receivedAt: string; data: unknown } | null;
  /** Every failed attempt across the original job and all redrives, oldest first. */
  attempts: AttemptRecord[];
  /** Every status change, by operators and by the system, oldest first. */
  actions: DeadLetterAction[];
}

/** `GET /v1/dead-letters/groups`: dead letters of one handler that failed the same way (one fingerprint). */
export interface DeadLetterGroup {
  fingerprint: string;
  handler: string;
  errorName: string;
  /** The message with ids, numbers and quoted values replaced by placeholders. */
  pattern: string;
  sampleMessage: string;
  count: number;
  open: number;
  firstSeen: string;
  lastSeen: string;
}

/** The filters of the dead-letter list, also accepted by groups and bulk actions. */
export interface DeadLetterFilter {
  status?: DeadLetterStatus;
  queue?: string;
  handler?: string;
  eventType?: string;
  fingerprint?: string;
  q?: string;
  since?: string;
  until?: string;
}

/** `POST /v1/dead-letters/:id/retry`: the dead letter after the retry and the new job that redelivers it. */
export interface RetryAnswer {
  deadLetter: DeadLetterSummary;
  jobId: string;
  /** False when a retry was already under way (a double click): no second job was made. */
  created: boolean;
}

/** A bulk action with `dryRun: true`: how many dead letters it would touch, and a sample of them. */
export interface DryRunAnswer {
  dryRun: true;
  matched: number;
  sample: DeadLetterSummary[];
}

/** What a bulk operation does: retry or discard dead letters, or replay events. */
export type OperationKind = 'dead-letters.retry' | 'dead-letters.discard' | 'events.replay';
/** Where a bulk operation is: running in paced batches, or ended (completed, failed or cancelled). */
export type OperationState = 'running' | 'completed' | 'failed' | 'cancelled';

/** `GET /v1/operations/:id`: a bulk operation, what it matched and how far it has got. */
export interface OperationStatus {
  id: string;
  kind: OperationKind;
  status: OperationState;
  actor: string;
  filter: unknown;
  params: unknown;
  matched: number;
  done: number;
  failed: number;
  createdAt: string;
  startedAt: string | null;
  finishedAt: string | null;
  error: string | null;
}
