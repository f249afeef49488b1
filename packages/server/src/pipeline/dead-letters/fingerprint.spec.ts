import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { errorFingerprint, errorPattern } from './fingerprint.js';

describe('error fingerprints', () => {
  it('normalises what varies from one job to the next', () => {
    assert.equal(
      errorPattern('Upload upl_8f3a21 for "Ada" failed after 3 attempts at 2026-11-25T08:00:00Z (id 0a1b2c3d-1111-2222-3333-444455556666)'),
      'Upload <id> for <str> failed after <n> attempts at <time> (id <uuid>)',
    );
    assert.equal(errorPattern('user ada@example.com got 0xdeadbeef and 3.5'), 'user <email> got <hex> and <n>');
  });

  it('puts messages that differ only in ids in one group, and keeps real differences apart', () => {
    const a = errorFingerprint('image.resize', 'StorageError', 'resize img_3N1x9 failed for usr_42: width 4500');
    const b = errorFingerprint('image.resize', 'StorageError', 'resize img_77Qp2 failed for usr_7: width 120');
    assert.equal(a, b);
    assert.notEqual(a, errorFingerprint('image.delete', 'StorageError', 'resize img_3N1x9 failed for usr_42: width 4500'));
    assert.notEqual(a, errorFingerprint('image.resize', 'TimeoutError', 'resize img_3N1x9 failed for usr_42: width 4500'));
    assert.notEqual(a, errorFingerprint('image.resize', 'StorageError', 'delete img_3N1x9 failed for usr_42: width 4500'));
    assert.match(a, /^[0-9a-f]{16}$/);
  });
});
