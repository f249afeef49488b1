import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/** A token as sent in `Authorization: Bearer`, split into its parts. */
export interface ParsedToken {
  prefix: string;
  token: string;
}

const PREFIX_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
const TOKEN = /^sy_([A-Za-z0-9]{8})_([A-Za-z0-9_-]{43,})$/;

/**
 * A new token: `sy_<8-character prefix>_<32 random bytes, base64url>`. The
 * prefix finds the key's row (and is safe to show in lists and logs); the
 * secret is 256 bits, so a fast hash of it cannot be brute-forced.
 */
export function newToken(): { prefix: string; token: string } {
  const bytes = randomBytes(8);
  const prefix = Array.from(bytes, (byte) => PREFIX_ALPHABET[byte % PREFIX_ALPHABET.length]).join('');
  return { prefix, token: `sy_${prefix}_${randomBytes(32).toString('base64url')}` };
}

/** The token's parts, or null when it cannot be a Switchyard token. */
export function parseToken(token: string): ParsedToken | null {
  const match = TOKEN.exec(token);
  return match ? { prefix: match[1], token } : null;
}

/** sha256 hex of the whole token: what `api_keys.secret_hash` stores. */
export function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

/** Compares a token's hash with the stored one in constant time. */
export function hashMatches(token: string, storedHash: string): boolean {
  const actual = Buffer.from(hashToken(token), 'hex');
  const expected = Buffer.from(storedHash, 'hex');
  return actual.length === expected.length && timingSafeEqual(actual, expected);
}

/** The bearer token of an Authorization header, or null if there is none. */
export function bearerToken(header: string | string[] | undefined): string | null {
  const value = Array.isArray(header) ? header[0] : header;
  const match = value ? /^Bearer[ \t]+(\S+)[ \t]*$/i.exec(value) : null;
  return match ? match[1] : null;
}
