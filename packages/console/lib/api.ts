import type { Problem } from '@switchyard/core/contracts';
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

/**
 * Calls the API from the server; problems come back as ApiError with the API's
 * own detail. `actor` is the signed-in user a change is audited under (X-Actor,
 * which the API takes from the console's admin key only).
 */
export async function api<T>(path: string, init: { method?: string; body?: unknown; actor?: string; headers?: Record<string, string> } = {}): Promise<T> {
  let response: Response;
  try {
    response = await fetch(`${apiUrl}${path}`, {
      method: init.method ?? 'GET',
      cache: 'no-store',
      headers: {
        ...apiHeaders(),
        accept: 'application/json',
        ...(init.body !== undefined ? { 'content-type': 'application/json' } : {}),
        ...(init.actor ? { 'x-actor': init.actor } : {}),
        ...init.headers,
      },
      body: init.body !== undefined ? JSON.stringify(init.body) : undefined,
    });
  } catch (error) {
    throw new ApiError(503, `The Switchyard API at ${apiUrl} did not answer (${(error as Error).message}). Is it running?`);
  }
  const text = await response.text();
  const body = text ? (JSON.parse(text) as unknown) : null; // 204 answers have no body
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
