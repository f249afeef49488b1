import type { Problem } from '@switchyard/contracts';
import { cookies } from 'next/headers';
import { apiHeaders, apiUrl } from './config';

/** An answer from the Switchyard API that was not a success, or no answer at all. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly problem?: Problem,
  ) {
    super(message);
  }
}

export const ACTOR_COOKIE = 'switchyard_actor';

/** Who the operator said they are (the header bar), sent as X-Actor for the audit trail. */
export async function actor(): Promise<string> {
  return (await cookies()).get(ACTOR_COOKIE)?.value || 'console';
}

/** Calls the API from the server; problems come back as ApiError with the API's own detail. */
export async function api<T>(path: string, init: { method?: string; body?: unknown } = {}): Promise<T> {
  let response: Response;
  try {
    response = await fetch(`${apiUrl}${path}`, {
      method: init.method ?? 'GET',
      cache: 'no-store',
      headers: {
        ...apiHeaders(),
        accept: 'application/json',
        ...(init.body !== undefined ? { 'content-type': 'application/json' } : {}),
        ...(init.method && init.method !== 'GET' ? { 'x-actor': await actor() } : {}),
      },
      body: init.body !== undefined ? JSON.stringify(init.body) : undefined,
    });
  } catch (error) {
    throw new ApiError(503, `The Switchyard API at ${apiUrl} did not answer (${(error as Error).message}). Is it running?`);
  }
  const text = await response.text();
  const body = text ? (JSON.parse(text) as unknown) : null;
  if (!response.ok) {
    const problem = body as Problem | null;
    throw new ApiError(response.status, problem?.detail ?? problem?.title ?? `HTTP ${response.status}`, problem ?? undefined);
  }
  return body as T;
}

/** Builds a query string from the defined, non-empty values. */
export function query(params: Record<string, string | number | undefined | null>): string {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) if (value !== undefined && value !== null && value !== '') search.set(key, String(value));
  const text = search.toString();
  return text ? `?${text}` : '';
}
