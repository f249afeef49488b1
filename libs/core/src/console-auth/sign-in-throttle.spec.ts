import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { SignInThrottle } from './sign-in-throttle.js';

describe('console sign-in throttle', () => {
  it('refuses a username or an address after the limit of failures, until the window passes', () => {
    const throttle = new SignInThrottle(3, 60_000);
    const keys = ['user:dana', 'ip:10.0.0.1'];
    for (let n = 0; n < 3; n++) {
      assert.equal(throttle.retryAfterMs(keys, 1_000), 0);
      throttle.recordFailure(keys, 1_000 + n);
    }
    assert.equal(throttle.retryAfterMs(['user:dana', 'ip:10.0.0.2'], 2_000), 59_000, 'same user from elsewhere');
    assert.equal(throttle.retryAfterMs(['user:erin', 'ip:10.0.0.1'], 2_000), 59_000, 'another user from the same address');
    assert.equal(throttle.retryAfterMs(['user:erin', 'ip:10.0.0.2'], 2_000), 0);
    assert.equal(throttle.retryAfterMs(keys, 61_003), 0, 'the window has passed');
  });

  it('forgets a username’s failures once it signs in', () => {
    const throttle = new SignInThrottle(2, 60_000);
    throttle.recordFailure(['user:dana'], 0);
    throttle.recordFailure(['user:dana'], 1);
    throttle.reset(['user:dana']);
    assert.equal(throttle.retryAfterMs(['user:dana'], 2), 0);
  });
});
