// Tests for the listing workers: batches with the same numbers as fs.lstatSync, links reported as
// links, errors with their errno code, and a consumer that stops early leaving the workers usable.
import assert from 'node:assert/strict';
import { lstatSync } from 'node:fs';
import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { readyListingThreads, startListingThreads, statFolder } from './listing-threads.js';

let dir: string;
before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'ferry-stat-worker-'));
  for (let i = 0; i < 25; i++) await writeFile(join(dir, `f${i}`), 'x'.repeat(i));
  await mkdir(join(dir, 'sub'));
  await symlink('f1', join(dir, 'link'));
});
after(async () => {
  await rm(dir, { recursive: true, force: true });
});

test('yields every entry in batches, with lstat data; links come back as links', async () => {
  const batches: number[] = [];
  const entries = new Map<string, { kind: string; size: number }>();
  for await (const batch of statFolder(dir, 10)) {
    batches.push(batch.length);
    for (const entry of batch) entries.set(entry.name, entry);
  }
  assert.equal(entries.size, 27);
  assert.ok(batches.length >= 3 && batches.every((n) => n <= 10), `batches of at most 10: ${batches.join(',')}`);
  assert.equal(entries.get('f7')?.kind, 'file');
  assert.equal(entries.get('f7')?.size, 7);
  assert.equal(entries.get('sub')?.kind, 'dir');
  assert.equal(entries.get('link')?.kind, 'symlink');
});

test('the numbers are those of fs.lstatSync, inline and on the workers alike', async () => {
  for (let round = 0; round < 2; round++) {
    for await (const batch of statFolder(dir, 4)) {
      for (const entry of batch) {
        const expected = lstatSync(join(dir, entry.name));
        assert.deepEqual(
          { size: entry.size, mtimeMs: entry.mtimeMs, mode: entry.mode, dev: entry.dev, ino: entry.ino },
          { size: expected.size, mtimeMs: expected.mtimeMs, mode: expected.mode, dev: expected.dev, ino: expected.ino },
          entry.name,
        );
      }
    }
    await new Promise((resolve) => setTimeout(resolve, 200)); // the workers are up for the second round
  }
});

test('a missing folder rejects with ENOENT', async () => {
  await assert.rejects(
    (async () => {
      for await (const batch of statFolder(join(dir, 'missing'), 10)) void batch;
    })(),
    { code: 'ENOENT' },
  );
});

test('a consumer that stops early leaves the worker serving the next listing', async () => {
  for await (const batch of statFolder(dir, 5)) {
    assert.equal(batch.length, 5);
    break;
  }
  let count = 0;
  for await (const batch of statFolder(dir, 100)) count += batch.length;
  assert.equal(count, 27);
});

test('entries stat-ed inline (while the worker starts) and on the worker are the same', async () => {
  const listing = async (): Promise<string> => {
    const seen: string[] = [];
    for await (const batch of statFolder(dir, 3)) for (const e of batch) seen.push(`${e.name} ${e.kind} ${e.size} ${Math.round(e.mtimeMs)} ${e.mode} ${e.ino}`);
    return seen.sort().join('\n');
  };
  const first = await listing();
  await new Promise((resolve) => setTimeout(resolve, 200)); // the worker is up by now
  assert.equal(await listing(), first);
  assert.equal(first.split('\n').length, 27);
});

test('startListingThreads brings up every thread (one per core, at most two) before it resolves', async () => {
  await startListingThreads();
  assert.equal(readyListingThreads(), Math.min(2, availableParallelism()));
});
