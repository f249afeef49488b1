/** How the client retries a request that got no answer, or a 429, 502, 503 or 504. */
export interface RetryOptions {
  /** Retries after the first attempt; 0 turns retrying off. Default 5. */
  retries?: number;
  /** The first wait, doubled at each retry (with jitter). Default 250 ms. */
  baseDelayMs?: number;
  /**
   * The longest wait between two attempts. A `Retry-After` longer than this
   * ends the retries at once: the error carries it (`retryAfterMs`) for the
   * caller to decide. Default 30 s.
   */
  maxDelayMs?: number;
}

export type RetryPolicy = Required<RetryOptions>;

export const DEFAULT_RETRY: RetryPolicy = { retries: 5, baseDelayMs: 250, maxDelayMs: 30_000 };

/**
 * Statuses that say "not now" rather than "not this": rate limited (429), and
 * the API or the proxy before it unavailable (502, 503, 504). Every request
 * carries an idempotency key, so repeating one whose answer was lost stores
 * nothing twice.
 */
export const RETRYABLE_STATUSES: ReadonlySet<number> = new Set([429, 502, 503, 504]);

export function retryPolicy(option: number | RetryOptions | undefined): RetryPolicy {
  const policy = typeof option === 'number' ? { ...DEFAULT_RETRY, retries: option } : { ...DEFAULT_RETRY, ...option };
  for (const [name, value] of Object.entries(policy)) {
    if (!Number.isFinite(value) || value < 0) throw new TypeError(`retries: ${name} must be a number of at least 0, got ${value}`);
  }
  if (!Number.isInteger(policy.retries)) throw new TypeError(`retries: retries must be a whole number, got ${policy.retries}`);
  return policy;
}

/**
 * How long to wait before retry number `retry` (1 for the first), or
 * undefined when the API asked for a longer wait than `maxDelayMs` allows.
 * Exponential backoff with "equal jitter": between half and all of
 * `baseDelayMs * 2^(retry-1)`, capped at `maxDelayMs`. A `Retry-After` is a
 * floor, never shortened; a little is added to it, so that producers told
 * the same second do not all come back within it.
 */
export function retryDelay(policy: RetryPolicy, retry: number, retryAfterMs: number | undefined, random: () => number = Math.random): number | undefined {
  const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (retry - 1));
  const backoff = ceiling / 2 + (random() * ceiling) / 2;
  if (retryAfterMs === undefined) return backoff;
  if (retryAfterMs > policy.maxDelayMs) return undefined;
  const spread = (random() * Math.min(ceiling, retryAfterMs)) / 4;
  return Math.min(policy.maxDelayMs, Math.max(backoff, retryAfterMs + spread));
}

/**
 * A `Retry-After` header in ms: delay-seconds (`5`) or an HTTP date
 * (`Wed, 09 Dec 2026 10:00:05 GMT`, 0 once past). Undefined when absent or
 * unreadable, and the client falls back to its own backoff.
 */
export function parseRetryAfter(value: string | null | undefined, now = Date.now()): number | undefined {
  const text = value?.trim();
  if (!text) return undefined;
  if (/^\d+$/.test(text)) return Number(text) * 1000;
  // Only dates: Date.parse would also take "1.5" or "-3" as some year.
  if (!/[a-z]/i.test(text)) return undefined;
  const at = Date.parse(text);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

/** Waits `ms`, or rejects with the signal's reason as soon as it aborts. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
