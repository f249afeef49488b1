import { BeforeApplicationShutdown, Injectable, Logger, OnModuleDestroy } from '@nestjs/common';
import { AccessRepository } from '../repositories/access.repository.js';
import { type ApiKeyRecord, ApiKeyStore } from './api-key-store.js';
import { hashMatches, parseToken } from './api-key-token.js';
import type { Scope } from './scopes.js';

/** Who is calling: the verified key. */
export interface Principal {
  keyId: string;
  name: string;
  scopes: Scope[];
  /** Events per second; null: the deployment's default (INGEST_RATE_LIMIT_PER_SEC). */
  rateLimitPerSec: number | null;
}

export type Verification = { ok: true; principal: Principal } | { ok: false; reason: 'malformed' | 'unknown' | 'revoked' };

/**
 * How long a key looked up in Postgres is trusted without asking again. A
 * revoked key stops working within this time on every API replica.
 */
export const KEY_CACHE_TTL_MS = 5_000;
const MAX_CACHED = 10_000;
const TOUCH_EVERY_MS = 10_000;

type Cached = { found: { key: ApiKeyRecord; secretHash: string } | null; until: number };

/**
 * Checks bearer tokens on every request, cheaply: one Postgres read per key
 * prefix per KEY_CACHE_TTL_MS (concurrent requests share it), a sha256 and a
 * constant-time compare. `last_used_at` is written in the background, once
 * per TOUCH_EVERY_MS for all keys used meanwhile, never on the request's path.
 */
@Injectable()
export class ApiKeyVerifier implements OnModuleDestroy, BeforeApplicationShutdown {
  private readonly logger = new Logger(ApiKeyVerifier.name);
  private readonly store: ApiKeyStore;
  private readonly cache = new Map<string, Cached>();
  private readonly inFlight = new Map<string, Promise<Cached>>();
  private used = new Set<string>();
  private readonly timer: NodeJS.Timeout;

  constructor(access: AccessRepository) {
    this.store = new ApiKeyStore(access);
    this.timer = setInterval(() => void this.flushUsage(), TOUCH_EVERY_MS);
    this.timer.unref();
  }

  /** Verifies a bearer token. Throws only when Postgres cannot be asked. */
  async verify(token: string): Promise<Verification> {
    const parsed = parseToken(token);
    if (!parsed) return { ok: false, reason: 'malformed' };
    const { found } = await this.lookup(parsed.prefix);
    // Unknown prefixes still pay for a hash compare, so timing does not tell them apart.
    if (!hashMatches(token, found?.secretHash ?? '0'.repeat(64)) || !found) return { ok: false, reason: 'unknown' };
    if (found.key.revokedAt !== null) return { ok: false, reason: 'revoked' };
    this.used.add(found.key.id);
    const { id, name, scopes, rateLimitPerSec } = found.key;
    return { ok: true, principal: { keyId: id, name, scopes, rateLimitPerSec } };
  }

  private async lookup(prefix: string): Promise<Cached> {
    const cached = this.cache.get(prefix);
    if (cached && cached.until > Date.now()) return cached;
    const pending = this.inFlight.get(prefix);
    if (pending) return pending;
    const read = this.store
      .findByPrefix(prefix)
      .then((found) => {
        // Random prefixes must not grow the cache without bound.
        if (this.cache.size >= MAX_CACHED) this.cache.clear();
        const entry = { found, until: Date.now() + KEY_CACHE_TTL_MS };
        this.cache.set(prefix, entry);
        return entry;
      })
      .finally(() => this.inFlight.delete(prefix));
    this.inFlight.set(prefix, read);
    return read;
  }

  private async flushUsage(): Promise<void> {
    if (this.used.size === 0) return;
    const ids = [...this.used];
    this.used = new Set();
    try {
      await this.store.touch(ids);
    } catch (error) {
      this.logger.warn(`Could not record when ${ids.length} API keys were last used: ${(error as Error).message}`);
    }
  }

  onModuleDestroy(): void {
    clearInterval(this.timer);
  }

  async beforeApplicationShutdown(): Promise<void> {
    await this.flushUsage();
  }
}
