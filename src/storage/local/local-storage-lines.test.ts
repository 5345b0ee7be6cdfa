// Tests for LocalStorage.listLines: the lines the listing threads format are the lines the main
// thread formats from `list`, for LIST, MLSD and NLST, inline (before the threads are up) and on the
// threads alike; links shown as `list` shows them, hidden uploads left out, a file refused.
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, realpath, rm, symlink, writeFile } from 'node:fs/promises';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { PERMISSION_PRESETS } from '../../config/schema.js';
import { isFerryError } from '../../errors/ferry-error.js';
import { createLineFormatter, lineEntryOf, type LineFormat } from '../../listing/line-format.js';
import { MLST_FACTS, mlsdFormat, type MlstFact } from '../../listing/mlsx-facts.js';
import { ROOT, resolveVirtualPath } from '../virtual-path.js';
import { readyListingThreads } from './listing-threads.js';
import { LocalStorage } from './local-storage.js';

let base: string;
let storage: LocalStorage;

const FORMATS: LineFormat[] = [
  { kind: 'list', owner: 'alice', now: Date.now() },
  mlsdFormat(new Set<MlstFact>(MLST_FACTS), new Set(PERMISSION_PRESETS.full)),
  mlsdFormat(new Set<MlstFact>(['type', 'modify']), new Set(PERMISSION_PRESETS['read-only'])),
  { kind: 'nlst' },
];

before(async () => {
  base = await realpath(await mkdtemp(join(tmpdir(), 'ferry-lines-')));
  const root = join(base, 'root');
  await mkdir(join(root, 'folder'), { recursive: true });
  for (let i = 0; i < 40; i++) await writeFile(join(root, `f${i}.txt`), 'x'.repeat(i * 100));
  await writeFile(join(root, 'späce and ü.txt'), 'unicode');
  await writeFile(join(root, '.ferry-upload-123'), 'partial');
  await writeFile(join(base, 'outside.txt'), 'secret');
  await symlink('f3.txt', join(root, 'link-in'));
  await symlink(join(base, 'outside.txt'), join(root, 'link-out'));
  storage = await LocalStorage.open(root);
});

after(async () => {
  await rm(base, { recursive: true, force: true });
});

/** What the main thread formats from `list`, sorted. */
async function expectedLines(format: LineFormat): Promise<string[]> {
  const line = createLineFormatter(format);
  const lines: string[] = [];
  for await (const batch of storage.list(ROOT)) for (const entry of batch) lines.push(`${line(lineEntryOf(entry))}\r\n`);
  return lines.sort();
}

async function listedLines(format: LineFormat): Promise<string[]> {
  const chunks: Buffer[] = [];
  for await (const chunk of storage.listLines(ROOT, format)) chunks.push(Buffer.from(chunk));
  const text = Buffer.concat(chunks).toString('utf8');
  assert.ok(text.endsWith('\r\n'));
  return text.split(/(?<=\r\n)/).sort();
}

test('lines formatted inline and on the listing threads are those the main thread formats from list', async () => {
  assert.equal(readyListingThreads(), 0, 'the first listing runs before the threads are up');
  const inline = await Promise.all(FORMATS.map(listedLines));
  for (let i = 0; i < 100 && readyListingThreads() < Math.min(2, availableParallelism()); i++) await new Promise((resolve) => setTimeout(resolve, 50));
  assert.ok(readyListingThreads() > 0);
  for (const [i, format] of FORMATS.entries()) {
    const expected = await expectedLines(format);
    assert.equal(expected.length, 44, 'every entry but the hidden upload');
    assert.deepEqual(inline[i], expected, `${format.kind}, inline`);
    assert.deepEqual(await listedLines(format), expected, `${format.kind}, on the threads`);
  }
});

test('links show their target only inside the root; the unicode name and no hidden upload are listed', async () => {
  const lines = await listedLines(FORMATS[0]!);
  assert.ok(lines.some((l) => /^lrwxrwxrwx .* link-in -> f3\.txt\r\n$/.test(l)));
  const out = lines.find((l) => l.includes('link-out'))!;
  assert.match(out, /^l.* 0 \w{3} [ \d]\d .* link-out\r\n$/, 'a link leading out: size 0, no target');
  assert.ok(lines.some((l) => l.endsWith(' späce and ü.txt\r\n')));
  assert.ok(!lines.some((l) => l.includes('.ferry-upload-')));
});

test('listLines of a file or a missing folder fails with the storage error', async () => {
  const first = (path: string) => storage.listLines(resolveVirtualPath(ROOT, path), { kind: 'nlst' })[Symbol.asyncIterator]().next();
  await assert.rejects(first('f1.txt'), (err: unknown) => isFerryError(err, 'NOT_A_DIRECTORY'));
  await assert.rejects(first('missing'), (err: unknown) => isFerryError(err, 'NOT_FOUND'));
});
