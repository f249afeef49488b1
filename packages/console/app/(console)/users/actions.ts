'use server';

import { revalidatePath } from 'next/cache';
import { redirect } from 'next/navigation';
import { api, ApiError } from '../../../lib/api';
import { authorize, Refused } from '../../../lib/session';

// Admin only, checked here on the server for every change; the answer comes
// back to the Users page in its query string.
async function asAdmin(form: FormData, work: (actor: string) => Promise<string>): Promise<never> {
  let outcome: string;
  try {
    const session = await authorize('admin', form.get('csrf'));
    outcome = `ok=${encodeURIComponent(await work(session.username))}`;
  } catch (error) {
    if (!(error instanceof ApiError || error instanceof Refused)) throw error;
    outcome = `error=${encodeURIComponent(error.message)}`;
  }
  revalidatePath('/users');
  redirect(`/users?${outcome}`);
}

export async function createUser(form: FormData): Promise<void> {
  const username = String(form.get('username') ?? '');
  await asAdmin(form, async (actor) => {
    const user = await api<{ username: string; role: string }>('/v1/console/users', { method: 'POST', body: { username, password: String(form.get('password') ?? ''), role: String(form.get('role') ?? '') }, actor });
    return `Created ${user.username} (${user.role})`;
  });
}

export async function changeUser(form: FormData): Promise<void> {
  const username = String(form.get('username') ?? '');
  const disable = form.get('disable') === '1';
  await asAdmin(form, async (actor) => {
    await api(`/v1/console/users/${encodeURIComponent(username)}`, { method: 'PATCH', body: disable ? { disabled: true } : { role: String(form.get('role') ?? '') }, actor });
    return disable ? `Disabled ${username}` : `${username} is now ${String(form.get('role'))}`;
  });
}
