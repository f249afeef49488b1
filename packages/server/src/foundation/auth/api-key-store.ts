import { v7 as uuidv7 } from 'uuid';
import { hashToken, newToken } from './api-key-token.js';
import { isScope, type Scope, SCOPES } from './scopes.js';

/** What the store needs of Postgres: the ingest pool (PgPool) or a CLI's own client. */
export interface SqlClient {
  query<T extends Record<string, unknown>>(text: string, values: unknown[]): Promise<T[]>;
}

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
const COLUMNS = `id::text AS id, name, prefix, scopes, rate_limit_per_sec, created_at, revoked_at, last_used_at`;

type Row = {
  id: string;
  name: string;
  prefix: string;
  scopes: string[];
  rate_limit_per_sec: number | null;
  created_at: Date;
  revoked_at: Date | null;
  last_used_at: Date | null;
};

/** Creates, lists, revokes and finds API keys in `api_keys`. */
export class ApiKeyStore {
  constructor(private readonly sql: SqlClient) {}

  /**
   * Stores a new key; returns it with its token, which is never stored nor
   * shown again. With `actor` (the console), the audit row is written by the
   * same statement: the key never exists without its record.
   */
  async create(input: NewApiKey, actor?: string): Promise<{ key: ApiKeyRecord; token: string }> {
    const { name, scopes, rateLimitPerSec = null } = checkNewKey(input);
    if ((await this.findByName(name)) !== null) throw new ApiKeyInputError(`A key named "${name}" already exists; revoke it or choose another name`);
    const { prefix, token } = newToken();
    try {
      const [row] = await this.sql.query<Row>(
        `WITH created AS (
           INSERT INTO switchyard.api_keys (id, name, prefix, secret_hash, scopes, rate_limit_per_sec)
           VALUES ($1, $2, $3, $4, $5::text[], $6) RETURNING ${COLUMNS}
         ), audited AS (
           INSERT INTO switchyard.audit_log (actor, action, target, count, detail)
           SELECT $7, 'api-key.create', 'api-key:' || name, 1, jsonb_build_object('prefix', prefix, 'scopes', scopes, 'rateLimitPerSec', rate_limit_per_sec)
           FROM created WHERE $7::text IS NOT NULL
         )
         SELECT * FROM created`,
        [uuidv7(), name, prefix, hashToken(token), scopes, rateLimitPerSec, actor ?? null],
      );
      return { key: toRecord(row), token };
    } catch (error) {
      // Another create of the same name won the race (a prefix clash is 1 in 62^8: the retry is a new create).
      if ((error as { code?: string }).code === '23505') throw new ApiKeyInputError(`A key named "${name}" already exists; revoke it or choose another name`);
      throw error;
    }
  }

  async list(): Promise<ApiKeyRecord[]> {
    return (await this.sql.query<Row>(`SELECT ${COLUMNS} FROM switchyard.api_keys ORDER BY created_at, name`, [])).map(toRecord);
  }

  async findByName(name: string): Promise<ApiKeyRecord | null> {
    const [row] = await this.sql.query<Row>(`SELECT ${COLUMNS} FROM switchyard.api_keys WHERE name = $1`, [name]);
    return row ? toRecord(row) : null;
  }

  /** The key a token's prefix names, with its stored hash, for verification. */
  async findByPrefix(prefix: string): Promise<{ key: ApiKeyRecord; secretHash: string } | null> {
    const [row] = await this.sql.query<Row & { secret_hash: string }>(`SELECT ${COLUMNS}, secret_hash FROM switchyard.api_keys WHERE prefix = $1`, [prefix]);
    return row ? { key: toRecord(row), secretHash: row.secret_hash } : null;
  }

  /** Revokes the key named `name` (audited under `actor` in the same statement, when given); false if there is none or it was already revoked. */
  async revoke(name: string, actor?: string): Promise<boolean> {
    const rows = await this.sql.query(
      `WITH revoked AS (
         UPDATE switchyard.api_keys SET revoked_at = now() WHERE name = $1 AND revoked_at IS NULL RETURNING id, prefix
       ), audited AS (
         INSERT INTO switchyard.audit_log (actor, action, target, count, detail)
         SELECT $2, 'api-key.revoke', 'api-key:' || $1, 1, jsonb_build_object('prefix', prefix) FROM revoked WHERE $2::text IS NOT NULL
       )
       SELECT id FROM revoked`,
      [name, actor ?? null],
    );
    return rows.length > 0;
  }

  /** Records that these keys were used (at most one write per flush, see ApiKeyVerifier). */
  async touch(ids: string[]): Promise<void> {
    if (ids.length === 0) return;
    await this.sql.query(`UPDATE switchyard.api_keys SET last_used_at = now() WHERE id = ANY($1::uuid[])`, [ids]);
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

function toRecord(row: Row): ApiKeyRecord {
  return {
    id: row.id,
    name: row.name,
    prefix: row.prefix,
    scopes: row.scopes.filter(isScope),
    rateLimitPerSec: row.rate_limit_per_sec,
    createdAt: row.created_at,
    revokedAt: row.revoked_at,
    lastUsedAt: row.last_used_at,
  };
}
