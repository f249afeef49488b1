'use server';

import type { DeadLetterFilter, DeadLetterSummary, DryRunAnswer, OperationStatus, QueueSummary, RetryAnswer } from '@switchyard/contracts';
import { revalidatePath } from 'next/cache';
import { cookies } from 'next/headers';
import { ACTOR_COOKIE, api, ApiError } from '../lib/api';

/** What a console action answers its button with. */
export type ActionResult = { ok: true; message: string } | { ok: false; error: string };

async function attempt<T>(work: () => Promise<T>, message: (value: T) => string, revalidate: string[] = []): Promise<ActionResult> {
  try {
    const value = await work();
    for (const path of revalidate) revalidatePath(path);
    return { ok: true, message: message(value) };
  } catch (error) {
    return { ok: false, error: error instanceof ApiError ? error.message : `Unexpected error: ${(error as Error).message}` };
  }
}

export async function setActor(form: FormData): Promise<void> {
  const name = String(form.get('actor') ?? '').trim().slice(0, 100);
  (await cookies()).set(ACTOR_COOKIE, name || 'console', { path: '/', sameSite: 'lax', maxAge: 365 * 86_400 });
  revalidatePath('/', 'layout');
}

export async function retryDeadLetter(id: string): Promise<ActionResult> {
  return attempt(
    () => api<RetryAnswer>(`/v1/dead-letters/${encodeURIComponent(id)}/retry`, { method: 'POST' }),
    (answer) => (answer.created ? `Retry started as job ${answer.jobId}` : `Already being retried (job ${answer.jobId})`),
    [`/dead-letters/${id}`, '/dead-letters'],
  );
}

export async function discardDeadLetter(id: string, reason: string): Promise<ActionResult> {
  return attempt(
    () => api<DeadLetterSummary>(`/v1/dead-letters/${encodeURIComponent(id)}/discard`, { method: 'POST', body: { reason } }),
    () => 'Discarded',
    [`/dead-letters/${id}`, '/dead-letters'],
  );
}

export type BulkTarget = { ids: string[] } | { filter: DeadLetterFilter };

/** A dry run: how many dead letters the action would touch. */
export async function previewBulk(kind: 'retry' | 'discard', target: BulkTarget): Promise<{ ok: true; matched: number } | { ok: false; error: string }> {
  try {
    const answer = await api<DryRunAnswer>(`/v1/dead-letters/${kind}`, { method: 'POST', body: { ...target, dryRun: true } });
    return { ok: true, matched: answer.matched };
  } catch (error) {
    return { ok: false, error: error instanceof ApiError ? error.message : (error as Error).message };
  }
}

export async function startBulk(
  kind: 'retry' | 'discard',
  target: BulkTarget,
  options: { ratePerSecond?: number; reason?: string },
): Promise<{ ok: true; operationId: string } | { ok: false; error: string }> {
  try {
    const operation = await api<OperationStatus>(`/v1/dead-letters/${kind}`, { method: 'POST', body: { ...target, ...options } });
    revalidatePath('/dead-letters');
    return { ok: true, operationId: operation.id };
  } catch (error) {
    return { ok: false, error: error instanceof ApiError ? error.message : (error as Error).message };
  }
}

export async function pauseQueue(name: string): Promise<ActionResult> {
  return attempt(() => api<QueueSummary>(`/v1/queues/${encodeURIComponent(name)}/pause`, { method: 'POST' }), () => `Queue ${name} paused`, ['/queues']);
}

export async function resumeQueue(name: string): Promise<ActionResult> {
  return attempt(() => api<QueueSummary>(`/v1/queues/${encodeURIComponent(name)}/resume`, { method: 'POST' }), () => `Queue ${name} resumed`, ['/queues']);
}
