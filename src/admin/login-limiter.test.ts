import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { LoginLimiter } from './login-limiter.js';

describe('LoginLimiter', () => {
  it('locks an address after maxFailures within the window, for lockMs', () => {
    let now = 0;
    const limiter = new LoginLimiter({ maxFailures: 3, windowMs: 1000, lockMs: 5000, now: () => now });
    assert.equal(limiter.recordFailure('a'), false);
    assert.equal(limiter.recordFailure('a'), false);
    assert.equal(limiter.retryAfterMs('a'), 0);
    assert.equal(limiter.recordFailure('a'), true);
    assert.equal(limiter.retryAfterMs('a'), 5000);
    assert.equal(limiter.retryAfterMs('b'), 0, 'other addresses are not affected');
    now = 4000;
    assert.equal(limiter.retryAfterMs('a'), 1000);
    now = 5000;
    assert.equal(limiter.retryAfterMs('a'), 0);
  });

  it('forgets failures outside the window and after a success', () => {
    let now = 0;
    const limiter = new LoginLimiter({ maxFailures: 2, windowMs: 1000, lockMs: 5000, now: () => now });
    limiter.recordFailure('a');
    now = 1500;
    assert.equal(limiter.recordFailure('a'), false, 'the first failure is outside the window');
    limiter.recordSuccess('a');
    assert.equal(limiter.recordFailure('a'), false);
  });
});
