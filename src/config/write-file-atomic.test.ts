import assert from 'node:assert/strict';
import { mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { writeFileAtomic } from './write-file-atomic.js';

describe('writeFileAtomic', () => {
  let dir: string;
  before(async () => (dir = await mkdtemp(path.join(os.tmpdir(), 'ferry-atomic-'))));
  after(async () => rm(dir, { recursive: true, force: true }));

  it('replaces the file, keeps the previous version as the backup, mode 0600, no temp files left', async () => {
    const file = path.join(dir, 'ferry.yaml');
    await writeFile(file, 'old: 1\n', { mode: 0o644 });
    await writeFileAtomic(file, 'new: 2\n', { backup: `${file}.bak` });
    assert.equal(await readFile(file, 'utf8'), 'new: 2\n');
    assert.equal(await readFile(`${file}.bak`, 'utf8'), 'old: 1\n');
    assert.equal((await stat(file)).mode & 0o777, 0o600);
    assert.equal((await stat(`${file}.bak`)).mode & 0o777, 0o600);
    assert.deepEqual((await readdir(dir)).sort(), ['ferry.yaml', 'ferry.yaml.bak']);
  });

  it('creates a missing file (no backup to keep) and its folder', async () => {
    const file = path.join(dir, 'sub', 'audit.json');
    await writeFileAtomic(file, 'x', { backup: `${file}.bak`, mode: 0o640 });
    assert.equal(await readFile(file, 'utf8'), 'x');
    assert.equal((await stat(file)).mode & 0o777, 0o640);
    assert.deepEqual(await readdir(path.dirname(file)), ['audit.json']);
  });

  it('reports an unwritable folder as PERMISSION_DENIED or fails without touching the file', async () => {
    const file = path.join(dir, 'missing-parent-is-a-file', 'x');
    await writeFile(path.join(dir, 'missing-parent-is-a-file'), 'i am a file');
    await assert.rejects(writeFileAtomic(file, 'x'), (err: NodeJS.ErrnoException) => err.code === 'EEXIST' || err.code === 'ENOTDIR' || err.code === 'PERMISSION_DENIED');
    assert.equal(await readFile(path.join(dir, 'missing-parent-is-a-file'), 'utf8'), 'i am a file');
  });
});
