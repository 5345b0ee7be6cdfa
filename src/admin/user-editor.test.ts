import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { addUser, listUsers } from '../auth/users-file.js';
import { checkHome, updateUser } from './user-editor.js';

describe('updateUser', () => {
  let dir: string;
  let file: string;
  before(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'ferry-user-editor-'));
    file = path.join(dir, 'users.yaml');
    await addUser(file, { name: 'bob', password: 'pw-bob-123' });
    await addUser(file, { name: 'carol', password: 'pw-carol-123', home: 'shared' });
  });
  after(async () => rm(dir, { recursive: true, force: true }));

  it('changes only the given account, keeps the hash and the header comment, 0600', async () => {
    const hashBefore = /name: carol\n\s+password: (\S+)/.exec(await readFile(file, 'utf8'))![1];
    const changes = await updateUser(file, path.join(dir, 'files'), 'carol', {
      home: 'carol-home',
      permissions: ['list', 'read', 'write'],
      tls: 'required',
      requireSessionReuse: false,
      enabled: false,
    });
    assert.deepEqual(changes.map((c) => c.key), ['home', 'permissions', 'tls', 'requireSessionReuse', 'enabled']);
    const users = await listUsers(file);
    assert.deepEqual(users[1], { name: 'carol', home: 'carol-home', permissions: ['list', 'read', 'write'], enabled: false, tls: 'required', requireSessionReuse: false });
    assert.deepEqual(users[0], { name: 'bob', permissions: 'full', enabled: true, tls: 'inherit' });
    const text = await readFile(file, 'utf8');
    assert.ok(text.includes(hashBefore!), 'password hash kept');
    assert.match(text, /^# Ferry users file/);
    assert.equal((await stat(file)).mode & 0o777, 0o600);
    // back to defaults removes the keys
    await updateUser(file, path.join(dir, 'files'), 'carol', { home: undefined, permissions: 'full', tls: 'inherit', requireSessionReuse: undefined, enabled: true });
    assert.deepEqual((await listUsers(file))[1], { name: 'carol', permissions: 'full', enabled: true, tls: 'inherit' });
  });

  it('refuses homes outside storage.root and unknown users', async () => {
    assert.match(checkHome('/srv/files', '../etc')!, /inside storage\.root/);
    assert.equal(checkHome('/srv/files', '/abs/ok'), undefined);
    await assert.rejects(updateUser(file, path.join(dir, 'files'), 'bob', { home: '../../x', permissions: 'full', tls: 'inherit', requireSessionReuse: undefined, enabled: true }), /inside storage\.root/);
    await assert.rejects(updateUser(file, path.join(dir, 'files'), 'nobody', { home: undefined, permissions: 'full', tls: 'inherit', requireSessionReuse: undefined, enabled: true }), /no user named/);
  });
});
