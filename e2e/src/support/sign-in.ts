import type { Problem } from '@switchyard/core/contracts';
import { checkRole, checkUsername, hashPassword } from '@switchyard/server/internal';
import { type HttpAnswer, post, queryRows, testDatabaseUrl } from '@switchyard/testing';
import assert from 'node:assert/strict';

/** The password {@link aConsoleUser} gives when told none. */
export const PASSWORD = 'a-long-enough-passphrase';

const hashes = new Map<string, Promise<string>>();

/**
 * Stores a console user as `npm run users -- create` does (checked name and
 * role, a scrypt hash of the password), for tests that only need the user to
 * exist. Each distinct password is hashed once per spec file: a hash costs a
 * few tenths of a second, and matrix-style specs make dozens of users.
 */
export async function aConsoleUser(username: string, { password = PASSWORD, role = 'viewer' }: { password?: string; role?: string } = {}, db = testDatabaseUrl()): Promise<string> {
  if (!hashes.has(password)) hashes.set(password, hashPassword(password));
  const name = checkUsername(username);
  await queryRows(db, 'INSERT INTO switchyard.console_users (id, username, password_hash, role) VALUES (gen_random_uuid(), $1, $2, $3)', [name, await hashes.get(password)!, checkRole(role)]);
  return name;
}

/** Viewers named `usernames`, each with {@link PASSWORD}. */
export async function consoleUsers(usernames: string[], db = testDatabaseUrl()): Promise<void> {
  for (const username of usernames) await aConsoleUser(username, {}, db);
}

/** POST /v1/console/sessions at `apiUrl`, as the console's server does. */
export function signIn(apiUrl: string, auth: Record<string, string>, username: string, password: string, clientIp: string): Promise<HttpAnswer<Problem & { token?: string }>> {
  return post<Problem & { token?: string }>(`${apiUrl}/v1/console/sessions`, { username, password, clientIp }, auth);
}

/** Asserts `answer` is the throttle's 429 problem and returns its Retry-After in seconds. */
export function assertThrottled(answer: HttpAnswer<Problem>, what: string): number {
  assert.equal(answer.status, 429, `${what}: ${answer.text}`);
  assert.match(answer.headers.get('content-type') ?? '', /application\/problem\+json/);
  assert.equal(answer.body.type, 'urn:switchyard:problem:sign-in-throttled');
  const retryAfter = Number(answer.headers.get('retry-after'));
  assert.ok(Number.isInteger(retryAfter) && retryAfter >= 1, `${what}: Retry-After ${answer.headers.get('retry-after')}`);
  return retryAfter;
}
