import { v7 as uuidv7 } from 'uuid';
import type { SqlClient } from '../auth/api-key-store.js';
import { hashPassword } from './password.js';

/** What a console user may do: viewer reads; operator also retries, discards, pauses; admin also manages users. */
export const CONSOLE_ROLES = ['viewer', 'operator', 'admin'] as const;
export type ConsoleRole = (typeof CONSOLE_ROLES)[number];

/** Whether `role` includes what `needed` allows (roles are ordered). */
export function roleAllows(role: ConsoleRole, needed: ConsoleRole): boolean {
  return CONSOLE_ROLES.indexOf(role) >= CONSOLE_ROLES.indexOf(needed);
}

export interface ConsoleUser {
  id: string;
  username: string;
  role: ConsoleRole;
  createdAt: Date;
  disabledAt: Date | null;
}

/** A user request that cannot be stored; the message says which field and why. */
export class ConsoleUserInputError extends Error {
  override readonly name = 'ConsoleUserInputError';
}

const USERNAME = /^[a-z0-9][a-z0-9._-]{0,63}$/;
export const MIN_PASSWORD_LENGTH = 12;
const COLUMNS = `id::text AS id, username, role, created_at, disabled_at`;
type Row = { id: string; username: string; role: ConsoleRole; created_at: Date; disabled_at: Date | null };

/** Usernames are case-insensitive and ignore surrounding spaces: "Dana " is dana, at sign-in, in the throttle, everywhere. */
export function normaliseUsername(raw: string): string {
  return raw.trim().toLowerCase();
}

export function checkUsername(raw: string): string {
  const username = normaliseUsername(raw);
  if (!USERNAME.test(username)) throw new ConsoleUserInputError(`username must be 1–64 of a-z, 0-9, ".", "_", "-", starting with a letter or digit; got ${JSON.stringify(raw)}`);
  return username;
}

export function checkRole(raw: string): ConsoleRole {
  if (!(CONSOLE_ROLES as readonly string[]).includes(raw)) throw new ConsoleUserInputError(`role must be one of ${CONSOLE_ROLES.join(', ')}; got ${JSON.stringify(raw)}`);
  return raw as ConsoleRole;
}

export function checkPassword(password: string): string {
  if (password.length < MIN_PASSWORD_LENGTH) throw new ConsoleUserInputError(`password must be at least ${MIN_PASSWORD_LENGTH} characters`);
  if (password.length > 1024) throw new ConsoleUserInputError('password must be at most 1024 characters');
  return password;
}

/** Creates, lists, disables and re-roles console users in `console_users`. */
export class ConsoleUserStore {
  constructor(private readonly sql: SqlClient) {}

  /**
   * Validates everything before writing anything. With `actor` (the console's
   * Users page), the audit row is written by the same statement.
   */
  async create(input: { username: string; password: string; role: string }, actor?: string): Promise<ConsoleUser> {
    const username = checkUsername(input.username);
    const role = checkRole(input.role);
    const hash = await hashPassword(checkPassword(input.password));
    try {
      const [row] = await this.sql.query<Row>(
        `WITH created AS (
           INSERT INTO switchyard.console_users (id, username, password_hash, role) VALUES ($1, $2, $3, $4) RETURNING ${COLUMNS}
         ), audited AS (${auditRow('console-user.create', 'created', `jsonb_build_object('role', role)`)})
         SELECT * FROM created`,
        [uuidv7(), username, hash, role, actor ?? null],
      );
      return toUser(row);
    } catch (error) {
      if ((error as { code?: string }).code === '23505') throw new ConsoleUserInputError(`A user named "${username}" already exists`);
      throw error;
    }
  }

  async list(): Promise<ConsoleUser[]> {
    return (await this.sql.query<Row>(`SELECT ${COLUMNS} FROM switchyard.console_users ORDER BY username`, [])).map(toUser);
  }

  /** The user and their hash, for sign-in; null when there is no such user. */
  async findForSignIn(username: string): Promise<{ user: ConsoleUser; passwordHash: string } | null> {
    const [row] = await this.sql.query<Row & { password_hash: string }>(`SELECT ${COLUMNS}, password_hash FROM switchyard.console_users WHERE username = $1`, [normaliseUsername(username)]);
    return row ? { user: toUser(row), passwordHash: row.password_hash } : null;
  }

  /**
   * Stores `next` in place of `previous` (a hash of older parameters the password
   * just verified against); nothing when the hash has changed meanwhile.
   */
  async replacePasswordHash(userId: string, previous: string, next: string): Promise<void> {
    await this.sql.query(`UPDATE switchyard.console_users SET password_hash = $3 WHERE id = $1 AND password_hash = $2`, [userId, previous, next]);
  }

  async setRole(username: string, role: string, actor?: string): Promise<ConsoleUser> {
    const checked = checkRole(role);
    const [row] = await this.sql.query<Row>(
      `WITH changed AS (
         UPDATE switchyard.console_users SET role = $2 WHERE username = $1 RETURNING ${COLUMNS}
       ), audited AS (${auditRow('console-user.set-role', 'changed', `jsonb_build_object('role', role)`, '$3')})
       SELECT * FROM changed`,
      [checkUsername(username), checked, actor ?? null],
    );
    if (!row) throw new ConsoleUserInputError(`No user named "${username}"`);
    return toUser(row);
  }

  /** Disables the user and ends their sessions at once (one statement: never one without the other). */
  async disable(username: string, actor?: string): Promise<ConsoleUser> {
    const [row] = await this.sql.query<Row>(
      `WITH disabled AS (
         UPDATE switchyard.console_users SET disabled_at = COALESCE(disabled_at, now()) WHERE username = $1 RETURNING ${COLUMNS}
       ), ended AS (
         DELETE FROM switchyard.console_sessions WHERE user_id IN (SELECT id::uuid FROM disabled)
       ), audited AS (${auditRow('console-user.disable', 'disabled', 'NULL', '$2')})
       SELECT * FROM disabled`,
      [checkUsername(username), actor ?? null],
    );
    if (!row) throw new ConsoleUserInputError(`No user named "${username}"`);
    return toUser(row);
  }
}

/** An audit row for each row of CTE `from`, written only when an actor is given (the console; the CLI writes none). */
function auditRow(action: string, from: string, detail: string, actorParam = '$5'): string {
  return `INSERT INTO switchyard.audit_log (actor, action, target, count, detail)
          SELECT ${actorParam}, '${action}', 'console-user:' || username, 1, ${detail} FROM ${from} WHERE ${actorParam}::text IS NOT NULL`;
}

function toUser(row: Row): ConsoleUser {
  return { id: row.id, username: row.username, role: row.role, createdAt: row.created_at, disabledAt: row.disabled_at };
}
