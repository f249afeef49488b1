// Shapes of the dead-letter and operations endpoints.

export type DeadLetterStatus = 'open' | 'retrying' | 'resolved' | 'discarded';

/** `GET /v1/dead-letters/stats`: how many dead letters are in each status. */
export type DeadLetterStats = Record<DeadLetterStatus, number>;

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

export interface DeadLetterPage {
  items: DeadLetterSummary[];
  nextCursor: string | null;
}

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

export interface DeadLetterDetail extends DeadLetterSummary {
  payload: unknown;
  discardReason: string | null;
  event: { id: string; type: string; source: string; subject: string | null; receivedAt: string; data: unknown } | null;
  /** Every failed attempt across the original job and all redrives, oldest first. */
  attempts: AttemptRecord[];
  /** Every status change, by operators and by the system, oldest first. */
  actions: DeadLetterAction[];
}

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

export interface RetryAnswer {
  deadLetter: DeadLetterSummary;
  jobId: string;
  /** False when a retry was already under way (a double click): no second job was made. */
  created: boolean;
}

export interface DryRunAnswer {
  dryRun: true;
  matched: number;
  sample: DeadLetterSummary[];
}

export type OperationKind = 'dead-letters.retry' | 'dead-letters.discard' | 'events.replay';
export type OperationState = 'running' | 'completed' | 'failed' | 'cancelled';

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
