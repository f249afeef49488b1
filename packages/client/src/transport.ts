import type { Problem } from './answers.js';
import { type FailureContext, SwitchyardError, SwitchyardNetworkError } from './errors.js';
import { parseRetryAfter, RETRYABLE_STATUSES, retryDelay, type RetryPolicy, sleep } from './retry.js';

/** The part of a fetch Response the client reads. */
export interface ResponseLike {
  status: number;
  statusText?: string;
  headers: { get(name: string): string | null };
  text(): Promise<string>;
}

/**
 * A fetch function: the global one by default; any implementation that takes
 * these arguments works (undici with a proxy agent, a test double).
 */
export type FetchLike = (
  url: string,
  init: { method: 'POST'; headers: Record<string, string>; body: string; signal: AbortSignal },
) => Promise<ResponseLike>;

export interface Transport {
  fetch: FetchLike;
  retry: RetryPolicy;
  timeoutMs: number;
}

/** One POST, as it is sent on every attempt: the same bytes and the same key each time. */
export interface OutgoingRequest {
  url: string;
  headers: Record<string, string>;
  body: string;
  idempotencyKey?: string;
}

export interface Answer {
  status: number;
  headers: ResponseLike['headers'];
  body: unknown;
  attempts: number;
}

/**
 * POSTs `request` until it gets a 2xx answer, which it returns parsed. Gets
 * no answer, or a 429/502/503/504: waits (Retry-After, else backoff) and
 * tries again, up to the policy's retries. Any other answer throws a
 * SwitchyardError at once; no answer on the last attempt, a
 * SwitchyardNetworkError. `signal` aborts it all, waits included.
 */
export async function post(transport: Transport, request: OutgoingRequest, signal?: AbortSignal): Promise<Answer> {
  const { url, idempotencyKey } = request;
  for (let attempt = 1; ; attempt++) {
    signal?.throwIfAborted();
    const timeout = AbortSignal.timeout(transport.timeoutMs);
    let response: ResponseLike;
    let text: string;
    try {
      response = await transport.fetch(url, {
        method: 'POST',
        headers: request.headers,
        body: request.body,
        signal: signal ? AbortSignal.any([signal, timeout]) : timeout,
      });
      text = await response.text();
    } catch (cause) {
      if (signal?.aborted) throw signal.reason;
      const error = new SwitchyardNetworkError({ url, attempts: attempt, idempotencyKey, timedOut: timeout.aborted, timeoutMs: transport.timeoutMs, cause });
      if (attempt > transport.retry.retries) throw error;
      await sleep(retryDelay(transport.retry, attempt, undefined)!, signal);
      continue;
    }

    const { status, headers } = response;
    if (status >= 200 && status < 300) {
      const body = parseJson(text);
      if (body !== undefined) return { status, headers, body, attempts: attempt };
      throw unexpectedAnswer(status, `it is not JSON: ${excerpt(text)}`, { url, attempts: attempt, idempotencyKey });
    }
    const retryAfterMs = parseRetryAfter(headers.get('retry-after'));
    const error = new SwitchyardError(problemOf(response, text), { url, attempts: attempt, idempotencyKey, retryAfterMs });
    if (!RETRYABLE_STATUSES.has(status) || attempt > transport.retry.retries) throw error;
    const wait = retryDelay(transport.retry, attempt, retryAfterMs);
    if (wait === undefined) throw error;
    await sleep(wait, signal);
  }
}

/**
 * A 2xx that is not the ingest API's: `url` most likely points at something
 * else. Not retried; the event may not have reached Switchyard at all.
 */
export function unexpectedAnswer(status: number, why: string, context: FailureContext): SwitchyardError {
  return new SwitchyardError(
    { type: 'about:blank', title: 'Unexpected answer', status, detail: `The answer is not Switchyard's ingest API's (is the url right?): ${why}` },
    context,
  );
}

/** The answer's problem+json; for anything else (a proxy's HTML page), a problem that quotes it. */
function problemOf(response: ResponseLike, text: string): Problem {
  const body = parseJson(text);
  if (isProblem(body)) return { ...body, status: response.status };
  return {
    type: 'about:blank',
    title: response.statusText || `HTTP ${response.status}`,
    status: response.status,
    ...(text.trim() ? { detail: excerpt(text) } : {}),
  };
}

function isProblem(value: unknown): value is Problem {
  return typeof value === 'object' && value !== null && typeof (value as Problem).title === 'string' && typeof (value as Problem).type === 'string';
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

function excerpt(text: string): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > 200 ? `${flat.slice(0, 200)}…` : flat;
}
