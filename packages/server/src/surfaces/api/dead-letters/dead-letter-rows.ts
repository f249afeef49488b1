import type { DeadLetterStatus, DeadLetterSummary } from '@switchyard/core/contracts';
import type { DeadLetterSummaryRecord } from '../../../foundation/repositories/dead-letters.repository.js';

export function toSummary(record: DeadLetterSummaryRecord): DeadLetterSummary {
  return {
    id: record.id,
    status: record.status as DeadLetterStatus,
    queue: record.queue,
    handler: record.handler,
    eventType: record.eventType,
    eventId: record.eventId,
    jobId: record.jobId,
    errorName: record.errorName,
    errorMessage: record.errorMessage,
    fingerprint: record.fingerprint,
    attemptsMade: record.attemptsMade,
    redrives: record.redrives,
    firstFailedAt: record.firstFailedAt.toISOString(),
    lastFailedAt: record.lastFailedAt.toISOString(),
  };
}
