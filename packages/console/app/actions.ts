'use server';

import type { DeadLetterFilter, DeadLetterSummary, DryRunAnswer, OperationStatus, QueueSummary, RetiredRouteInfo, RetryAnswer, ScheduleSummary } from '@switchyard/core/contracts';
import { revalidatePath } from 'next/cache';
import { api, ApiError } from '../lib/api';
import { authorize, Refused, type Role, type Session } from '../lib/session';

// Every action takes the session's CSRF token first and checks it, the
// session and the role on the server: hiding a button is only a courtesy.

/** What a console action answers its button with. */
export type ActionResult = { ok: true; message: string } | { ok: false; error: string };

function failure(error: unknown): { ok: false; error: string } {
  if (error instanceof ApiError || error instanceof Refused) return { ok: false, error: error.message };
  return { ok: false, error: `Unexpected error: ${(error as Error).message}` };
}

async function attempt<T>(needed: Role, csrf: unknown, work: (session: Session) => Promise<T>, message: (value: T) => string, revalidate: string[] = []): Promise<ActionResult> {
  try {
    const value = await work(await authorize(needed, csrf));
    for (const path of revalidate) revalidatePath(path);
    return { ok: true, message: message(value) };
  } catch (error) {
    return failure(error);
  }
}

export async function retryDeadLetter(csrf: string, id: string): Promise<ActionResult> {
  return attempt(
    'operator',
    csrf,
    (session) => api<RetryAnswer>(`/v1/dead-letters/${encodeURIComponent(id)}/retry`, { method: 'POST', actor: session.username }),
    (answer) => (answer.created ? `Retry started as job ${answer.jobId}` : `Already being retried (job ${answer.jobId})`),
    [`/dead-letters/${id}`, '/dead-letters'],
  );
}

export async function discardDeadLetter(csrf: string, id: string, reason: string): Promise<ActionResult> {
  return attempt(
    'operator',
    csrf,
    (session) => api<DeadLetterSummary>(`/v1/dead-letters/${encodeURIComponent(id)}/discard`, { method: 'POST', body: { reason }, actor: session.username }),
    () => 'Discarded',
    [`/dead-letters/${id}`, '/dead-letters'],
  );
}

export type BulkTarget = { ids: string[] } | { filter: DeadLetterFilter };

/** A dry run: how many dead letters the action would touch. */
export async function previewBulk(csrf: string, kind: 'retry' | 'discard', target: BulkTarget): Promise<{ ok: true; matched: number } | { ok: false; error: string }> {
  try {
    const session = await authorize('operator', csrf);
    const answer = await api<DryRunAnswer>(`/v1/dead-letters/${kind}`, { method: 'POST', body: { ...target, dryRun: true }, actor: session.username });
    return { ok: true, matched: answer.matched };
  } catch (error) {
    return failure(error);
  }
}

export async function startBulk(
  csrf: string,
  kind: 'retry' | 'discard',
  target: BulkTarget,
  options: { ratePerSecond?: number; reason?: string },
): Promise<{ ok: true; operationId: string } | { ok: false; error: string }> {
  try {
    const session = await authorize('operator', csrf);
    const operation = await api<OperationStatus>(`/v1/dead-letters/${kind}`, { method: 'POST', body: { ...target, ...options }, actor: session.username });
    revalidatePath('/dead-letters');
    return { ok: true, operationId: operation.id };
  } catch (error) {
    return failure(error);
  }
}

export async function pauseQueue(csrf: string, name: string): Promise<ActionResult> {
  return attempt('operator', csrf, (session) => api<QueueSummary>(`/v1/queues/${encodeURIComponent(name)}/pause`, { method: 'POST', actor: session.username }), () => `Queue ${name} paused`, ['/queues']);
}

export async function resumeQueue(csrf: string, name: string): Promise<ActionResult> {
  return attempt('operator', csrf, (session) => api<QueueSummary>(`/v1/queues/${encodeURIComponent(name)}/resume`, { method: 'POST', actor: session.username }), () => `Queue ${name} resumed`, ['/queues']);
}

export async function pauseSchedule(csrf: string, name: string): Promise<ActionResult> {
  return attempt('operator', csrf, (session) => api<ScheduleSummary>(`/v1/schedules/${encodeURIComponent(name)}/pause`, { method: 'POST', actor: session.username }), () => `Schedule ${name} paused`, ['/schedules']);
}

export async function resumeSchedule(csrf: string, name: string): Promise<ActionResult> {
  return attempt('operator', csrf, (session) => api<ScheduleSummary>(`/v1/schedules/${encodeURIComponent(name)}/resume`, { method: 'POST', actor: session.username }), () => `Schedule ${name} resumed`, ['/schedules']);
}

export async function retireRoute(csrf: string, handler: string, queue: string): Promise<ActionResult> {
  return attempt(
    'operator',
    csrf,
    (session) => api<RetiredRouteInfo>(`/v1/routes/${encodeURIComponent(handler)}`, { method: 'DELETE', actor: session.username }),
    (retired) => `Route ${retired.handler} retired: events no longer fan out to it`,
    [`/queues/${encodeURIComponent(queue)}`],
  );
}
