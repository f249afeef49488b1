import { Inject, Injectable } from '@nestjs/common';
import { uuidv7 } from '../ids/uuid-v7.js';
import { PgPool } from '../../db/index.js';

/** What AccessRepository needs of Postgres: the API's pool (PgPool) or a CLI's own client. */
export interface SqlClient {
  query<T extends Record<string, unknown>>(text: string, values: unknown[]): Promise<T[]>;
}

/** An API key as stored, without its secret. */
export interface StoredApiKey {
  id: string;
  name: string;
  prefix: string;
  scopes: string[];
  rateLimitPerSec: number | null;
  createdAt: Date;
  revokedAt: Date | null;
  lastUsedAt: Date | null;
}

/** A key to store: its token's prefix and the hash of its secret, never the token. */
export interface NewApiKeyRow {
  name: string;
  prefix: string;
  secretHash: string;
  scopes: string[];
  rateLimitPerSec: number | null;
}

/** A console user as stored, without their password hash. */
export interface StoredConsoleUser {
  id: string;
  username: string;
  role: string;
  createdAt: Date;
  disabledAt: Date | null;
}

/** A console session still live, with its user. */
export interface LiveSession {
  username: string;
  role: string;
  csrfToken: string;
  expiresAt: Date;
}

const KEY_COLUMNS = `id::text AS id, name, prefix, scopes, rate_limit_per_sec, created_at, revoked_at, last_used_at`;
const USER_COLUMNS = `id::text AS id, username, role, created_at, disabled_at`;

type KeyRow = {
  id: string;
  name: string;
  prefix: string;
  scopes: string[];
  rate_limit_per_sec: number | null;
  created_at: Date;
  revoked_at: Date | null;
  last_used_at: Date | null;
};
type UserRow = { id: string; username: string; role: string; created_at: Date; disabled_at: Date | null };

/**
 * API keys, console users and their sessions: every statement that reads or
 * writes them. The `switchyard keys` and `users` commands run without Nest,
 * on a pg client of their own, and build this repository over it; the API
 * gets it over PgPool. So the console's Keys and Users pages and the CLI run
 * the same statements.
 *
 * A change made with an `actor` (the console, acting for its signed-in
 * user) writes its audit row in the same statement as the change: the CLI
 * has no transaction to share, and a key or user never exists without its
 * record. Without an actor (the CLI) no audit row is written.
 */
@Injectable()
export class AccessRepository {
  constructor(@Inject(PgPool) private readonly sql: SqlClient) {}

  /** Stores a key, audited under `actor` when given. A name (or prefix) taken is a unique violation (23505). */
  async createKey(key: NewApiKeyRow, actor: string | null): Promise<StoredApiKey> {
    const [row] = await this.sql.query<KeyRow>(
      `WITH created AS (
         INSERT INTO switchyard.api_keys (id, name, prefix, secret_hash, scopes, rate_limit_per_sec)
         VALUES ($1, $2, $3, $4, $5::text[], $6) RETURNING ${KEY_COLUMNS}
       ), audited AS (
         INSERT INTO switchyard.audit_log (actor, action, target, count, detail)
         SELECT $7, 'api-key.create', 'api-key:' || name, 1, jsonb_build_object('prefix', prefix, 'scopes', scopes, 'rateLimitPerSec', rate_limit_per_sec)
         FROM created WHERE $7::text IS NOT NULL
       )
       SELECT * FROM created`,
      [uuidv7(), key.name, key.prefix, key.secretHash, key.scopes, key.rateLimitPerSec, actor],
    );
    return toKey(row);
  }

  async listKeys(): Promise<StoredApiKey[]> {
    return (await this.sql.query<KeyRow>(`SELECT ${KEY_COLUMNS} FROM switchyard.api_keys ORDER BY created_at, name`, [])).map(toKey);
  }

  async findKeyByName(name: string): Promise<StoredApiKey | null> {
    const [row] = await this.sql.query<KeyRow>(`SELECT ${KEY_COLUMNS} FROM switchyard.api_keys WHERE name = $1`, [name]);
    return row ? toKey(row) : null;
  }

  /** The key a token's prefix names, with its stored hash. */
  async findKeyByPrefix(prefix: string): Promise<{ key: StoredApiKey; secretHash: string } | null> {
    const [row] = await this.sql.query<KeyRow & { secret_hash: string }>(`SELECT ${KEY_COLUMNS}, secret_hash FROM switchyard.api_keys WHERE prefix = $1`, [prefix]);
    return row ? { key: toKey(row), secretHash: row.secret_hash } : null;
  }

  /** Revokes the key named `name`, audited under `actor` when given; false if there is none or it was already revoked. */
  async revokeKey(name: string, actor: string | null): Promise<boolean> {
    const rows = await this.sql.query(
      `WITH revoked AS (
         UPDATE switchyard.api_keys SET revoked_at = now() WHERE name = $1 AND revoked_at IS NULL RETURNING id, prefix
       ), audited AS (
         INSERT INTO switchyard.audit_log (actor, action, target, count, detail)
         SELECT $2, 'api-key.revoke', 'api-key:' || $1, 1, jsonb_build_object('prefix', prefix) FROM revoked WHERE $2::text IS NOT NULL
       )
       SELECT id FROM revoked`,
      [name, actor],
    );
    return rows.length > 0;
  }

  /** Records that these keys were used just now. */
  async touchKeys(ids: string[]): Promise<void> {
    await this.sql.query(`UPDATE switchyard.api_keys SET last_used_at = now() WHERE id = ANY($1::uuid[])`, [ids]);
  }

  /** Stores a console user, audited under `actor` when given. A username taken is a unique violation (23505). */
  async createUser(user: { username: string; passwordHash: string; role: string }, actor: string | null): Promise<StoredConsoleUser> {
    const [row] = await this.sql.query<UserRow>(
      `WITH created AS (
         INSERT INTO switchyard.console_users (id, username, password_hash, role) VALUES ($1, $2, $3, $4) RETURNING ${USER_COLUMNS}
       ), audited AS (${auditUserRow('console-user.create', 'created', `jsonb_build_object('role', role)`)})
       SELECT * FROM created`,
      [uuidv7(), user.username, user.passwordHash, user.role, actor],
    );
    return toUser(row);
  }

  async listUsers(): Promise<StoredConsoleUser[]> {
    return (await this.sql.query<UserRow>(`SELECT ${USER_COLUMNS} FROM switchyard.console_users ORDER BY username`, [])).map(toUser);
  }

  /** The user and their password hash, for sign-in; null when there is no such user. */
  async findUserForSignIn(username: string): Promise<{ user: StoredConsoleUser; passwordHash: string } | null> {
    const [row] = await this.sql.query<UserRow & { password_hash: string }>(`SELECT ${USER_COLUMNS}, password_hash FROM switchyard.console_users WHERE username = $1`, [username]);
    return row ? { user: toUser(row), passwordHash: row.password_hash } : null;
  }

  /** Stores `next` in place of `previous`; nothing when the hash has changed meanwhile. */
  async replacePasswordHash(userId: string, previous: string, next: string): Promise<void> {
    await this.sql.query(`UPDATE switchyard.console_users SET password_hash = $3 WHERE id = $1 AND password_hash = $2`, [userId, previous, next]);
  }

  /** Gives the user `role`, audited under `actor` when given; null when there is no such user. */
  async setUserRole(username: string, role: string, actor: string | null): Promise<StoredConsoleUser | null> {
    const [row] = await this.sql.query<UserRow>(
      `WITH changed AS (
         UPDATE switchyard.console_users SET role = $2 WHERE username = $1 RETURNING ${USER_COLUMNS}
       ), audited AS (${auditUserRow('console-user.set-role', 'changed', `jsonb_build_object('role', role)`, '$3')})
       SELECT * FROM changed`,
      [username, role, actor],
    );
    return row ? toUser(row) : null;
  }

  /**
   * Disables the user and ends their sessions at once (one statement: never
   * one without the other), audited under `actor` when given; null when
   * there is no such user.
   */
  async disableUser(username: string, actor: string | null): Promise<StoredConsoleUser | null> {
    const [row] = await this.sql.query<UserRow>(
      `WITH disabled AS (
         UPDATE switchyard.console_users SET disabled_at = COALESCE(disabled_at, now()) WHERE username = $1 RETURNING ${USER_COLUMNS}
       ), ended AS (
         DELETE FROM switchyard.console_sessions WHERE user_id IN (SELECT id::uuid FROM disabled)
       ), audited AS (${auditUserRow('console-user.disable', 'disabled', 'NULL', '$2')})
       SELECT * FROM disabled`,
      [username, actor],
    );
    return row ? toUser(row) : null;
  }

  /** Stores a session, keyed by `id` (the hash of its token, never the token). */
  async startSession(session: { id: string; userId: string; csrfToken: string; expiresAt: Date }): Promise<void> {
    await this.sql.query(`INSERT INTO switchyard.console_sessions (id, user_id, csrf_token, expires_at) VALUES ($1, $2, $3, $4)`, [
      session.id,
      session.userId,
      session.csrfToken,
      session.expiresAt,
    ]);
  }

  /**
   * The session `id` names, touching its idle clock; null when unknown,
   * expired, idle longer than `idleMs`, or its user is disabled.
   */
  async resumeSession(id: string, idleMs: number): Promise<LiveSession | null> {
    const [row] = await this.sql.query<{ username: string; role: string; csrf_token: string; expires_at: Date }>(
      `UPDATE switchyard.console_sessions s SET last_seen_at = now()
       FROM switchyard.console_users u
       WHERE s.id = $1 AND u.id = s.user_id AND u.disabled_at IS NULL
         AND s.expires_at > now() AND s.last_seen_at > now() - make_interval(secs => $2)
       RETURNING u.username, u.role, s.csrf_token, s.expires_at`,
      [id, idleMs / 1000],
    );
    return row ? { username: row.username, role: row.role, csrfToken: row.csrf_token, expiresAt: row.expires_at } : null;
  }

  async endSession(id: string): Promise<void> {
    await this.sql.query(`DELETE FROM switchyard.console_sessions WHERE id = $1`, [id]);
  }
}

/** An audit row for each row of CTE `from`, written only when an actor is given (the console; the CLI writes none). */
function auditUserRow(action: string, from: string, detail: string, actorParam = '$5'): string {
  return `INSERT INTO switchyard.audit_log (actor, action, target, count, detail)
          SELECT ${actorParam}, '${action}', 'console-user:' || username, 1, ${detail} FROM ${from} WHERE ${actorParam}::text IS NOT NULL`;
}

function toKey(row: KeyRow): StoredApiKey {
  return {
    id: row.id,
    name: row.name,
    prefix: row.prefix,
    scopes: row.scopes,
    rateLimitPerSec: row.rate_limit_per_sec,
    createdAt: row.created_at,
    revokedAt: row.revoked_at,
    lastUsedAt: row.last_used_at,
  };
}

function toUser(row: UserRow): StoredConsoleUser {
  return { id: row.id, username: row.username, role: row.role, createdAt: row.created_at, disabledAt: row.disabled_at };
}
