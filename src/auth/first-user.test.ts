// Tests for first-start account creation: created once, full permissions, password returned only then.
import assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { FIRST_USER_NAME, ensureFirstUser } from './first-user.js';
import { PASSWORD_ALPHABET, verifyPassword } from './password-hash.js';
import { addUser, loadUsersFile, setUserEnabled } from './users-file.js';

let dir: string;
before(async () => {
  dir = await fs.mkdtemp(path.join(os.tmpdir(), 'ferry-first-user-'));
});
after(async () => {
  await fs.rm(dir, { recursive: true, force: true });
});

describe('ensureFirstUser', () => {
  it('creates "ferry" with a generated password once, then does nothing', async () => {
    const file = path.join(dir, 'data', 'users.yaml');
    const created = await ensureFirstUser(file);
    assert.equal(created?.name, FIRST_USER_NAME);
    assert.equal(created?.name, 'ferry');
    assert.equal(created?.password.length, 20);
    assert.ok([...created!.password].every((c) => PASSWORD_ALPHABET.includes(c)));

    const { users } = await loadUsersFile(file);
    assert.equal(users.length, 1);
    assert.equal(users[0]?.name, 'ferry');
    assert.equal(users[0]?.permissions, 'full');
    assert.equal(users[0]?.enabled, true);
    assert.equal(await verifyPassword(created!.password, users[0]!.password), true);
    assert.ok(!(await fs.readFile(file, 'utf8')).includes(created!.password));

    const before = await fs.readFile(file, 'utf8');
    assert.equal(await ensureFirstUser(file), undefined);
    assert.equal(await fs.readFile(file, 'utf8'), before);
  });

  it('leaves a file that already has users alone, even disabled ones', async () => {
    const file = path.join(dir, 'other.yaml');
    await addUser(file, { name: 'alice', password: 'pw' });
    await setUserEnabled(file, 'alice', false);
    const before = await fs.readFile(file, 'utf8');
    assert.equal(await ensureFirstUser(file), undefined);
    assert.equal(await fs.readFile(file, 'utf8'), before);
  });
});
