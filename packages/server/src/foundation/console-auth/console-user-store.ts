import { AccessRepository, type StoredConsoleUser } from '../repositories/access.repository.js';
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
  constructor(private readonly access: AccessRepository) {}

  /**
   * Validates everything before writing anything. With `actor` (the console's
   * Users page), the change is audited under it (in the same statement).
   */
  async create(input: { username: string; password: string; role: string }, actor?: string): Promise<ConsoleUser> {
    const username = checkUsername(input.username);
    const role = checkRole(input.role);
    const hash = await hashPassword(checkPassword(input.password));
    try {
      return toUser(await this.access.createUser({ username, passwordHash: hash, role }, actor ?? null));
    } catch (error) {
      if ((error as { code?: string }).code === '23505') throw new ConsoleUserInputError(`A user named "${username}" already exists`);
      throw error;
    }
  }

  async list(): Promise<ConsoleUser[]> {
    return (await this.access.listUsers()).map(toUser);
  }

  /** The user and their hash, for sign-in; null when there is no such user. */
  async findForSignIn(username: string): Promise<{ user: ConsoleUser; passwordHash: string } | null> {
    const found = await this.access.findUserForSignIn(normaliseUsername(username));
    return found ? { user: toUser(found.user), passwordHash: found.passwordHash } : null;
  }

  /**
   * Stores `next` in place of `previous` (a hash of older parameters the password
   * just verified against); nothing when the hash has changed meanwhile.
   */
  async replacePasswordHash(userId: string, previous: string, next: string): Promise<void> {
    await this.access.replacePasswordHash(userId, previous, next);
  }

  async setRole(username: string, role: string, actor?: string): Promise<ConsoleUser> {
    const checked = checkRole(role);
    const row = await this.access.setUserRole(checkUsername(username), checked, actor ?? null);
    if (!row) throw new ConsoleUserInputError(`No user named "${username}"`);
    return toUser(row);
  }

  /** Disables the user and ends their sessions at once (one statement: never one without the other). */
  async disable(username: string, actor?: string): Promise<ConsoleUser> {
    const row = await this.access.disableUser(checkUsername(username), actor ?? null);
    if (!row) throw new ConsoleUserInputError(`No user named "${username}"`);
    return toUser(row);
  }
}

function toUser(user: StoredConsoleUser): ConsoleUser {
  return { ...user, role: user.role as ConsoleRole };
}
