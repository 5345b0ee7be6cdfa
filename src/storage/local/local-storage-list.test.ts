// Tests for LocalStorage.list: streaming large folders, hidden temp files, listing a single file.
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, realpath, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, test } from 'node:test';
import { isFerryError, type ErrorCode } from '../../errors/ferry-error.js';
import type { FileStat } from '../storage.js';
import { ROOT, resolveVirtualPath, type VirtualPath } from '../virtual-path.js';
import { LocalStorage } from './local-storage.js';

const vp = (input: string): VirtualPath => resolveVirtualPath(ROOT, input);

let base: string;
let root: string;
let storage: LocalStorage;

async function collect(path: VirtualPath): Promise<FileStat[]> {
  const entries: FileStat[] = [];
  for await (const batch of storage.list(path)) entries.push(...batch);
  return entries;
}

async function rejectsWith(promise: Promise<unknown>, code: ErrorCode): Promise<void> {
  await assert.rejects(promise, (err: unknown) => isFerryError(err, code));
}

beforeEach(async () => {
  base = await realpath(await mkdtemp(join(tmpdir(), 'ferry-list-')));
  root = join(base, 'root');
  await mkdir(root);
  storage = await LocalStorage.open(root);
});

afterEach(async () => {
  await rm(base, { recursive: true, force: true });
});

test('lists files and folders with their facts', async () => {
  await writeFile(join(root, 'a.txt'), 'abc');
  await mkdir(join(root, 'folder'));
  const entries = (await collect(ROOT)).sort((x, y) => x.name.localeCompare(y.name));
  assert.deepEqual(
    entries.map(({ name, type, size }) => ({ name, type, size: type === 'file' ? size : -1 })),
    [
      { name: 'a.txt', type: 'file', size: 3 },
      { name: 'folder', type: 'dir', size: -1 },
    ],
  );
  assert.ok(entries.every((entry) => entry.mtime instanceof Date && /^[0-9a-f]+\.[0-9a-f]+$/.test(entry.unique ?? '')));
  assert.deepEqual(await collect(vp('/folder')), []);
});

test('streams every entry of a 2,000-entry folder, and stops cleanly when the consumer does', async () => {
  const dir = join(root, 'many');
  await mkdir(dir);
  const count = 2000;
  for (let start = 0; start < count; start += 200) {
    await Promise.all(Array.from({ length: 200 }, (_, i) => writeFile(join(dir, `f${start + i}.bin`), 'x'.repeat((start + i) % 7))));
  }
  const seen = new Set<string>();
  let batches = 0;
  for await (const batch of storage.list(vp('/many'))) {
    batches++;
    for (const entry of batch) {
      assert.equal(entry.size, Number(entry.name.slice(1, -4)) % 7);
      seen.add(entry.name);
    }
  }
  assert.equal(seen.size, count);
  assert.ok(batches > 1, 'a big folder comes in several batches, never whole');

  let taken = 0;
  for await (const batch of storage.list(vp('/many'))) {
    assert.ok(batch.every((entry) => entry.type === 'file'));
    if (++taken === 2) break;
  }
  assert.equal(taken, 2);
  // The directory handle was closed by the early break: the folder can still be listed and removed.
  assert.equal((await collect(vp('/many'))).length, count);
});

test('never lists hidden-store temp files', async () => {
  await writeFile(join(root, '.ferry-upload-0123abcd'), 'partial');
  await writeFile(join(root, '.hidden'), 'dotfile');
  await writeFile(join(root, 'visible.txt'), 'v');
  assert.deepEqual((await collect(ROOT)).map((entry) => entry.name).sort(), ['.hidden', 'visible.txt']);
  await rejectsWith(storage.stat(vp('/.ferry-upload-0123abcd')), 'INVALID_NAME');
});

test('listing a file yields that one file', async () => {
  await mkdir(join(root, 'docs'));
  await writeFile(join(root, 'docs', 'report.pdf'), '12345');
  const entries = await collect(vp('/docs/report.pdf'));
  assert.equal(entries.length, 1);
  assert.deepEqual([entries[0]?.name, entries[0]?.type, entries[0]?.size], ['report.pdf', 'file', 5]);
});

test('errors surface on the first iteration', async () => {
  await writeFile(join(root, 'f'), '');
  await rejectsWith(collect(vp('/missing')), 'NOT_FOUND');
  await rejectsWith(collect(vp('/f/x')), 'NOT_A_DIRECTORY');
});
