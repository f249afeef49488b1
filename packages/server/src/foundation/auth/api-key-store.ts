import { AccessRepository, type StoredApiKey } from '../repositories/access.repository.js';
import { hashToken, newToken } from './api-key-token.js';
import { isScope, type Scope, SCOPES } from './scopes.js';

/** An API key as stored, without its secret. */
export interface ApiKeyRecord {
  id: string;
  name: string;
  prefix: string;
  scopes: Scope[];
  rateLimitPerSec: number | null;
  createdAt: Date;
  revokedAt: Date | null;
  lastUsedAt: Date | null;
}

export interface NewApiKey {
  name: string;
  scopes: string[];
  rateLimitPerSec?: number | null;
}

/** A key request that cannot be stored; the message says which field and why. */
export class ApiKeyInputError extends Error {
  override readonly name = 'ApiKeyInputError';
}

const NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

/** Creates, lists, revokes and finds API keys in `api_keys`. */
export class ApiKeyStore {
  constructor(private readonly access: AccessRepository) {}

  /**
   * Stores a new key; returns it with its token, which is never stored nor
   * shown again. With `actor` (the console), the change is audited under it
   * (AccessRepository writes the row in the same statement).
   */
  async create(input: NewApiKey, actor?: string): Promise<{ key: ApiKeyRecord; token: string }> {
    const { name, scopes, rateLimitPerSec = null } = checkNewKey(input);
    if ((await this.findByName(name)) !== null) throw new ApiKeyInputError(`A key named "${name}" already exists; revoke it or choose another name`);
    const { prefix, token } = newToken();
    try {
      const key = await this.access.createKey({ name, prefix, secretHash: hashToken(token), scopes, rateLimitPerSec }, actor ?? null);
      return { key: toRecord(key), token };
    } catch (error) {
      // Another create of the same name won the race (a prefix clash is 1 in 62^8: the retry is a new create).
      if ((error as { code?: string }).code === '23505') throw new ApiKeyInputError(`A key named "${name}" already exists; revoke it or choose another name`);
      throw error;
    }
  }

  async list(): Promise<ApiKeyRecord[]> {
    return (await this.access.listKeys()).map(toRecord);
  }

  async findByName(name: string): Promise<ApiKeyRecord | null> {
    const key = await this.access.findKeyByName(name);
    return key ? toRecord(key) : null;
  }

  /** The key a token's prefix names, with its stored hash, for verification. */
  async findByPrefix(prefix: string): Promise<{ key: ApiKeyRecord; secretHash: string } | null> {
    const found = await this.access.findKeyByPrefix(prefix);
    return found ? { key: toRecord(found.key), secretHash: found.secretHash } : null;
  }

  /** Revokes the key named `name` (audited under `actor`, when given); false if there is none or it was already revoked. */
  revoke(name: string, actor?: string): Promise<boolean> {
    return this.access.revokeKey(name, actor ?? null);
  }

  /** Records that these keys were used (at most one write per flush, see ApiKeyVerifier). */
  async touch(ids: string[]): Promise<void> {
    if (ids.length === 0) return;
    await this.access.touchKeys(ids);
  }
}

/** Validates a key request; throws ApiKeyInputError naming the field. */
export function checkNewKey(input: NewApiKey): { name: string; scopes: Scope[]; rateLimitPerSec: number | null } {
  if (!NAME.test(input.name ?? '')) {
    throw new ApiKeyInputError(`name must be 1 to 64 letters, digits, '.', '_' or '-' (starting with a letter or digit); got ${JSON.stringify(input.name ?? '')}`);
  }
  const scopes = [...new Set(input.scopes.map((scope) => scope.trim()).filter(Boolean))];
  if (scopes.length === 0) throw new ApiKeyInputError(`scopes: give at least one of: ${SCOPES.join(', ')}`);
  const unknown = scopes.filter((scope) => !isScope(scope));
  if (unknown.length) throw new ApiKeyInputError(`Unknown scope${unknown.length > 1 ? 's' : ''} ${unknown.map((s) => JSON.stringify(s)).join(', ')}; scopes are: ${SCOPES.join(', ')}`);
  const rate = input.rateLimitPerSec ?? null;
  if (rate !== null && (!Number.isInteger(rate) || rate < 0 || rate > 1_000_000)) {
    throw new ApiKeyInputError(`rate limit must be a whole number of events per second from 0 (unlimited) to 1000000; got ${rate}`);
  }
  return { name: input.name, scopes: scopes as Scope[], rateLimitPerSec: rate };
}

function toRecord(key: StoredApiKey): ApiKeyRecord {
  return { ...key, scopes: key.scopes.filter(isScope) };
}
