import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { hashPassword, SCRYPT_PARAMS, UNMATCHABLE_HASH, verifyPassword } from './password.js';

describe('console passwords', () => {
  it('hashes with scrypt, its parameters and a fresh salt stored with the hash', async () => {
    const [a, b] = [await hashPassword('correct horse battery'), await hashPassword('correct horse battery')];
    assert.match(a, new RegExp(`^scrypt\\$${SCRYPT_PARAMS.log2N}\\$8\\$1\\$[A-Za-z0-9+/=]{24}\\$[A-Za-z0-9+/=]{44}$`));
    assert.notEqual(a, b, 'salted');
    assert.equal(await verifyPassword('correct horse battery', a), true);
    assert.equal(await verifyPassword('correct horse batterY', a), false);
  });

  it('matches nothing against the stand-in hash or a malformed one', async () => {
    assert.equal(await verifyPassword('', UNMATCHABLE_HASH), false);
    assert.equal(await verifyPassword('x', 'md5$abc'), false);
  });
});
