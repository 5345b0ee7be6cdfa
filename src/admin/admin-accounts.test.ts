import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { ensureFirstAdmin, listAdmins, setAdminPassword, verifyAdmin } from './admin-accounts.js';

describe('admin accounts', () => {
  let dir: string;
  before(async () => (dir = await mkdtemp(path.join(os.tmpdir(), 'ferry-admins-'))));
  after(async () => rm(dir, { recursive: true, force: true }));

  it('first start creates "admin" once with a generated password, stored only as a hash (0600)', async () => {
    const file = path.join(dir, 'admins.yaml');
    const first = await ensureFirstAdmin(file);
    assert.equal(first?.name, 'admin');
    assert.match(first!.password, /^[A-Za-z0-9]{20}$/);
    const text = await readFile(file, 'utf8');
    assert.ok(!text.includes(first!.password));
    assert.match(text, /password: \$scrypt\$/);
    assert.equal((await stat(file)).mode & 0o777, 0o600);
    assert.equal(await ensureFirstAdmin(file), undefined);
    assert.equal(await verifyAdmin(file, 'admin', first!.password), true);
    assert.equal(await verifyAdmin(file, 'admin', 'wrong-password'), false);
    assert.equal(await verifyAdmin(file, 'nobody', first!.password), false);
  });

  it('passwd changes a password or adds an account, keeping comments; refuses short passwords', async () => {
    const file = path.join(dir, 'two.yaml');
    await writeFile(file, '# my note\nadmins: []\n');
    assert.deepEqual(await setAdminPassword(file, 'root', 'first-pass-1'), { created: true });
    assert.deepEqual(await setAdminPassword(file, 'root', 'second-pass-2'), { created: false });
    assert.equal(await verifyAdmin(file, 'root', 'second-pass-2'), true);
    assert.equal(await verifyAdmin(file, 'root', 'first-pass-1'), false);
    assert.match(await readFile(file, 'utf8'), /^# my note/);
    assert.deepEqual(await listAdmins(file), ['root']);
    await assert.rejects(setAdminPassword(file, 'root', 'short'), /at least 8/);
    await assert.rejects(setAdminPassword(file, '<script>', 'long-enough-1'), /invalid admin name/);
  });

  it('a damaged file is reported without quoting hashes', async () => {
    const file = path.join(dir, 'bad.yaml');
    await writeFile(file, 'admins:\n  - name: x\n    password: $scrypt$secret\n    extra: 1\n');
    await assert.rejects(verifyAdmin(file, 'x', 'y'), (err: Error) => /admins\.0/.test(err.message) && !err.message.includes('$scrypt$secret'));
  });
});
