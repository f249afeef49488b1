import { randomBytes, scrypt, timingSafeEqual } from 'node:crypto';

/**
 * scrypt, memory-hard: N = 2^17, r = 8, p = 1 needs 128 MiB and a few tenths
 * of a second per hash (OWASP's recommended minimum), which makes a stolen
 * table expensive to guess through. The parameters are stored with each hash,
 * so hashes made with older ones still verify, and are replaced at sign-in
 * (see {@link needsRehash}).
 */
export const SCRYPT_PARAMS = { log2N: 17, r: 8, p: 1, saltBytes: 16, keyBytes: 32 } as const;

interface Params {
  log2N: number;
  r: number;
  p: number;
}

// What a stored hash may ask for: room above today's cost, but a corrupted or
// planted row cannot make one verification take gigabytes or minutes.
const LIMITS = { log2N: [10, 20], r: [1, 32], p: [1, 16], keyBytes: [16, 64] } as const;
const ENCODED = /^scrypt\$(\d{1,2})\$(\d{1,2})\$(\d{1,2})\$([A-Za-z0-9+/]+={0,2})\$([A-Za-z0-9+/]+={0,2})$/;

/**
 * One derivation at a time per process: each holds 128 MiB while it runs, so
 * a burst of sign-ins waits here instead of multiplying the API's memory (its
 * container limit in deploy/k8s is 384 MiB). Sign-ins are human-paced, and
 * the throttle runs before any of them gets here.
 */
let lastDerivation: Promise<unknown> = Promise.resolve();

function derive(password: string, salt: Buffer, params: Params, keyBytes: number): Promise<Buffer> {
  const next = lastDerivation.then(() => deriveNow(password, salt, params, keyBytes));
  lastDerivation = next.catch(() => undefined);
  return next;
}

function deriveNow(password: string, salt: Buffer, { log2N, r, p }: Params, keyBytes: number): Promise<Buffer> {
  const N = 2 ** log2N;
  // maxmem: Node's 32 MiB default is too small for N = 2^17; OpenSSL needs
  // 128·r·(N + p + 2) bytes (the V array plus the B blocks), so ask for exactly that.
  const maxmem = 128 * r * (N + p + 2);
  // The asynchronous scrypt runs on libuv's thread pool: the event loop keeps serving requests meanwhile.
  return new Promise((resolve, reject) => scrypt(password, salt, keyBytes, { N, r, p, maxmem }, (error, key) => (error ? reject(error) : resolve(key))));
}

/** The parameters, salt and hash of `encoded`; null when it is malformed or outside the limits above. */
function parse(encoded: string): (Params & { salt: Buffer; hash: Buffer }) | null {
  const match = ENCODED.exec(encoded);
  if (!match) return null;
  const [log2N, r, p] = [Number(match[1]), Number(match[2]), Number(match[3])];
  const [salt, hash] = [Buffer.from(match[4], 'base64'), Buffer.from(match[5], 'base64')];
  const within = (value: number, [low, high]: readonly [number, number]) => value >= low && value <= high;
  if (!within(log2N, LIMITS.log2N) || !within(r, LIMITS.r) || !within(p, LIMITS.p) || !within(hash.length, LIMITS.keyBytes) || salt.length === 0) return null;
  return { log2N, r, p, salt, hash };
}

/** `scrypt$17$8$1$<salt b64>$<hash b64>` for `password`, with a fresh random salt. */
export async function hashPassword(password: string): Promise<string> {
  const { log2N, r, p, saltBytes, keyBytes } = SCRYPT_PARAMS;
  const salt = randomBytes(saltBytes);
  const key = await derive(password, salt, SCRYPT_PARAMS, keyBytes);
  return ['scrypt', log2N, r, p, salt.toString('base64'), key.toString('base64')].join('$');
}

/** Whether `password` matches `encoded`; false (never a throw) for a malformed hash. */
export async function verifyPassword(password: string, encoded: string): Promise<boolean> {
  const parsed = parse(encoded);
  if (!parsed) return false;
  const actual = await derive(password, parsed.salt, parsed, parsed.hash.length);
  return timingSafeEqual(actual, parsed.hash);
}

/**
 * Whether `encoded` was made with other parameters than {@link SCRYPT_PARAMS}
 * (an older, cheaper cost): after the password has verified against it, store
 * a fresh {@link hashPassword} in its place.
 */
export function needsRehash(encoded: string): boolean {
  const parsed = parse(encoded);
  const { log2N, r, p, saltBytes, keyBytes } = SCRYPT_PARAMS;
  return !parsed || parsed.log2N !== log2N || parsed.r !== r || parsed.p !== p || parsed.salt.length !== saltBytes || parsed.hash.length !== keyBytes;
}

/**
 * A hash no password matches, verified against when the username is unknown so
 * that "no such user" takes as long as "wrong password".
 */
export const UNMATCHABLE_HASH = `scrypt$${SCRYPT_PARAMS.log2N}$${SCRYPT_PARAMS.r}$${SCRYPT_PARAMS.p}$${Buffer.alloc(16).toString('base64')}$${Buffer.alloc(32).toString('base64')}`;
