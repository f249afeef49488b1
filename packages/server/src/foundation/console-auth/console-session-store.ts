import { Logger } from '@nestjs/common';
import { createHash, randomBytes } from 'node:crypto';
import { AccessRepository } from '../repositories/access.repository.js';
import { type ConsoleRole, type ConsoleUser, ConsoleUserStore } from './console-user-store.js';
import { hashPassword, needsRehash, UNMATCHABLE_HASH, verifyPassword } from './password.js';

/** A session ends after 12 h without a request, and 7 days after sign-in whatever happens. */
export const SESSION_IDLE_MS = 12 * 3_600_000;
export const SESSION_ABSOLUTE_MS = 7 * 86_400_000;

export interface ConsoleSession {
  username: string;
  role: ConsoleRole;
  csrfToken: string;
  expiresAt: Date;
}

const sessionId = (token: string) => createHash('sha256').update(token).digest('hex');

/** Signs console users in and out; sessions live in `console_sessions`, keyed by the token's hash. */
export class ConsoleSessionStore {
  private readonly logger = new Logger(ConsoleSessionStore.name);
  private readonly users: ConsoleUserStore;

  constructor(private readonly access: AccessRepository) {
    this.users = new ConsoleUserStore(access);
  }

  /** A new session's token (for the cookie) when the password matches an enabled user; otherwise null. */
  async signIn(username: string, password: string): Promise<{ token: string; session: ConsoleSession } | null> {
    const found = await this.users.findForSignIn(username);
    // Verify even when there is no such user, so the answer takes as long either way.
    const matches = await verifyPassword(password, found?.passwordHash ?? UNMATCHABLE_HASH);
    if (!found || !matches || found.user.disabledAt) return null;
    if (needsRehash(found.passwordHash)) await this.rehash(found.user, found.passwordHash, password);
    const token = randomBytes(32).toString('base64url');
    const csrfToken = randomBytes(32).toString('base64url');
    const expiresAt = new Date(Date.now() + SESSION_ABSOLUTE_MS);
    await this.access.startSession({ id: sessionId(token), userId: found.user.id, csrfToken, expiresAt });
    return { token, session: toSession(found.user, csrfToken, expiresAt) };
  }

  /**
   * Replaces a hash of older scrypt parameters now that the password is known
   * to be right. A failure leaves the old hash, which still verifies: the user
   * is signed in anyway, and the next sign-in tries again.
   */
  private async rehash(user: ConsoleUser, previous: string, password: string): Promise<void> {
    try {
      await this.users.replacePasswordHash(user.id, previous, await hashPassword(password));
    } catch (error) {
      this.logger.warn(`Could not store a current password hash for console user "${user.username}" (the old one still works): ${(error as Error).message}`);
    }
  }

  /** The live session `token` names, touching its idle clock; null when unknown, expired, idle or its user is disabled. */
  async current(token: string): Promise<ConsoleSession | null> {
    const live = await this.access.resumeSession(sessionId(token), SESSION_IDLE_MS);
    return live ? { ...live, role: live.role as ConsoleRole } : null;
  }

  /** Ends the session server-side: the cookie's token is worthless afterwards. */
  async signOut(token: string): Promise<void> {
    await this.access.endSession(sessionId(token));
  }
}

function toSession(user: ConsoleUser, csrfToken: string, expiresAt: Date): ConsoleSession {
  return { username: user.username, role: user.role, csrfToken, expiresAt };
}
