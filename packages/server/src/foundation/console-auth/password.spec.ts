import assert from 'node:assert/strict';
import { randomBytes, scrypt } from 'node:crypto';
import { describe, it } from 'node:test';
import { hashPassword, needsRehash, SCRYPT_PARAMS, UNMATCHABLE_HASH, verifyPassword } from './password.js';

/** A hash as the console stored them before the cost was raised: N = 2^15. */
async function olderHash(password: string): Promise<string> {
  const salt = randomBytes(16);
  const key = await new Promise<Buffer>((resolve, reject) =>
    scrypt(password, salt, 32, { N: 2 ** 15, r: 8, p: 1, maxmem: 64 * 1024 * 1024 }, (error, derived) => (error ? reject(error) : resolve(derived))),
  );
  return `scrypt$15$8$1$${salt.toString('base64')}$${key.toString('base64')}`;
}

describe('console passwords', () => {
  it('hashes with scrypt N = 2^17, r = 8, p = 1, its parameters and a fresh salt stored with the hash', async () => {
    assert.deepEqual({ log2N: SCRYPT_PARAMS.log2N, r: SCRYPT_PARAMS.r, p: SCRYPT_PARAMS.p }, { log2N: 17, r: 8, p: 1 });
    const [a, b] = [await hashPassword('correct horse battery'), await hashPassword('correct horse battery')];
    assert.match(a, /^scrypt\$17\$8\$1\$[A-Za-z0-9+/=]{24}\$[A-Za-z0-9+/=]{44}$/);
    assert.notEqual(a, b, 'salted');
    assert.equal(await verifyPassword('correct horse battery', a), true);
    assert.equal(await verifyPassword('correct horse batterY', a), false);
    assert.equal(needsRehash(a), false);
  });

  it('still verifies a hash made with the older cost, and says it needs replacing', async () => {
    const older = await olderHash('correct horse battery');
    assert.equal(await verifyPassword('correct horse battery', older), true);
    assert.equal(await verifyPassword('correct horse batterY', older), false);
    assert.equal(needsRehash(older), true);
  });

  it('hashes off the event loop: timers run while a hash is being computed', async () => {
    let finished = false;
    const hashing = hashPassword('correct horse battery').then(() => (finished = true));
    await new Promise((resolve) => setTimeout(resolve, 1));
    assert.equal(finished, false, 'a timer fired before the hash was done');
    await hashing;
  });

  it('matches nothing against the stand-in hash, a malformed one, or one asking for an absurd cost', async () => {
    assert.equal(await verifyPassword('', UNMATCHABLE_HASH), false);
    assert.equal(await verifyPassword('x', 'md5$abc'), false);
    const salt = Buffer.alloc(16).toString('base64');
    const hash = Buffer.alloc(32).toString('base64');
    for (const params of ['30$8$1', '17$8$99', '17$0$1', '9$8$1']) assert.equal(await verifyPassword('x', `scrypt$${params}$${salt}$${hash}`), false, params);
    assert.equal(needsRehash('md5$abc'), true);
  });
});
