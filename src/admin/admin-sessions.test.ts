import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { AdminSessions } from './admin-sessions.js';

describe('AdminSessions', () => {
  it('issues unguessable ids, expires idle sessions, ends at logout', () => {
    let now = 0;
    const sessions = new AdminSessions(1000, () => now);
    const a = sessions.create('admin', '127.0.0.1');
    const b = sessions.create('admin', '127.0.0.1');
    assert.notEqual(a.id, b.id);
    assert.match(a.id, /^[A-Za-z0-9_-]{43}$/);
    now = 900;
    assert.equal(sessions.get(a.id)?.admin, 'admin');
    now = 1800; // 900 ms after the last use: still alive
    assert.ok(sessions.get(a.id));
    assert.equal(sessions.get(b.id), undefined, 'b was idle for 1800 ms');
    sessions.destroy(a.id);
    assert.equal(sessions.get(a.id), undefined);
    assert.equal(sessions.get(undefined), undefined);
    assert.equal(sessions.get('forged'), undefined);
  });
});
