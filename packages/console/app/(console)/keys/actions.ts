'use server';

import { revalidatePath } from 'next/cache';
import { api, ApiError } from '../../../lib/api';
import { authorize, Refused } from '../../../lib/session';

/** What the create form shows: the new token (this once), or why nothing was created. */
export type CreateKeyState = { ok: true; name: string; token: string } | { ok: false; error: string } | null;
export type RevokeKeyResult = { ok: true; message: string } | { ok: false; error: string };

function refusal(error: unknown): { ok: false; error: string } {
  if (error instanceof ApiError || error instanceof Refused) return { ok: false, error: error.message };
  throw error;
}

/**
 * Admin only, checked here on the server. The token comes back in the
 * action's answer, never in a URL, so it is in no history, log or Referer.
 */
export async function createKey(_previous: CreateKeyState, form: FormData): Promise<CreateKeyState> {
  try {
    const session = await authorize('admin', form.get('csrf'));
    const rate = String(form.get('rateLimitPerSec') ?? '').trim();
    if (rate !== '' && !/^\d+$/.test(rate)) return { ok: false, error: `rate limit must be a whole number of events per second (0: unlimited), or empty for the default; got ${JSON.stringify(rate)}` };
    const created = await api<{ key: { name: string }; token: string }>('/v1/console/keys', {
      method: 'POST',
      body: { name: String(form.get('name') ?? ''), scopes: form.getAll('scopes').map(String), rateLimitPerSec: rate === '' ? null : Number(rate) },
      actor: session.username,
    });
    revalidatePath('/keys');
    return { ok: true, name: created.key.name, token: created.token };
  } catch (error) {
    return refusal(error);
  }
}

export async function revokeKey(csrf: string, name: string): Promise<RevokeKeyResult> {
  try {
    const session = await authorize('admin', csrf);
    await api(`/v1/console/keys/${encodeURIComponent(name)}/revoke`, { method: 'POST', actor: session.username });
    revalidatePath('/keys');
    return { ok: true, message: `Revoked ${name}; the API refuses it within 5 s` };
  } catch (error) {
    return refusal(error);
  }
}
