/**
 * At most 10 failed sign-ins per username and per client IP in 15 minutes:
 * enough for typos, far too few for guessing. Kept in the API process's
 * memory — with several API processes the limit is per process, which still
 * caps guessing at a small multiple.
 */
export class SignInThrottle {
  private readonly failures = new Map<string, number[]>();

  constructor(
    private readonly limit = 10,
    private readonly windowMs = 15 * 60_000,
  ) {}

  /** Milliseconds until another attempt for these keys is allowed; 0 when allowed now. */
  retryAfterMs(keys: string[], now = Date.now()): number {
    let wait = 0;
    for (const key of keys) {
      const recent = (this.failures.get(key) ?? []).filter((at) => at > now - this.windowMs);
      this.failures.set(key, recent);
      if (recent.length >= this.limit) wait = Math.max(wait, recent[0] + this.windowMs - now);
    }
    return wait;
  }

  recordFailure(keys: string[], now = Date.now()): void {
    for (const key of keys) this.failures.set(key, [...(this.failures.get(key) ?? []), now].slice(-this.limit));
    if (this.failures.size > 10_000) this.failures.clear(); // bounded memory under a spray of usernames
  }

  reset(keys: string[]): void {
    for (const key of keys) this.failures.delete(key);
  }
}
