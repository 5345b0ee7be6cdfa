// Tests for LocalStorage.write: the four write modes, atomic replace (hidden stores), aborts and umask.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { chmod, mkdir, mkdtemp, readdir, readFile, realpath, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { afterEach, beforeEach, describe, test } from 'node:test';
import { isFerryError, type ErrorCode } from '../../errors/ferry-error.js';
import { ROOT, resolveVirtualPath, type VirtualPath } from '../virtual-path.js';
import { LocalStorage } from './local-storage.js';

const vp = (input: string): VirtualPath => resolveVirtualPath(ROOT, input);
const source = (...chunks: string[]): Readable => Readable.from(chunks.map((chunk) => Buffer.from(chunk)));

/** Emits `prefix`, then fails like a dropped data connection. */
function failingSource(prefix: string): Readable {
  let sent = false;
  return new Readable({
    read() {
      if (sent) {
        setImmediate(() => this.destroy(new Error('connection reset by peer')));
      } else {
        sent = true;
        this.push(Buffer.from(prefix));
      }
    },
  });
}

let base: string;
let root: string;
let storage: LocalStorage;

async function rejectsWith(promise: Promise<unknown>, code: ErrorCode): Promise<void> {
  await assert.rejects(promise, (err: unknown) => {
    assert.ok(isFerryError(err), `expected a FerryError ${code}, got ${String(err)}`);
    assert.equal(err.code, code);
    assert.ok(err.publicMessage !== undefined && !err.publicMessage.includes(base), 'public message leaks a host path');
    return true;
  });
}

const content = (name: string): Promise<string> => readFile(join(root, name), 'utf8');
const tempFiles = async (dir = root): Promise<string[]> => (await readdir(dir)).filter((name) => name.startsWith('.ferry-upload-'));

beforeEach(async () => {
  base = await realpath(await mkdtemp(join(tmpdir(), 'ferry-write-')));
  root = join(base, 'root');
  await mkdir(root);
  await writeFile(join(root, 'old.txt'), 'OLD CONTENT');
  await mkdir(join(root, 'dir'));
  storage = await LocalStorage.open(root);
});

afterEach(async () => {
  await rm(base, { recursive: true, force: true });
});

describe('create', () => {
  test('writes a new file and reports the bytes taken', async () => {
    assert.deepEqual(await storage.write(vp('/new.txt'), source('abc', 'def'), { mode: 'create' }), { bytes: 6 });
    assert.equal(await content('new.txt'), 'abcdef');
    assert.deepEqual(await storage.write(vp('/empty.txt'), source(), { mode: 'create' }), { bytes: 0 });
    assert.equal(await content('empty.txt'), '');
  });

  test('refuses anything already there, leaving it untouched', async () => {
    await rejectsWith(storage.write(vp('/old.txt'), source('x'), { mode: 'create' }), 'ALREADY_EXISTS');
    assert.equal(await content('old.txt'), 'OLD CONTENT');
    await rejectsWith(storage.write(vp('/dir'), source('x'), { mode: 'create' }), 'ALREADY_EXISTS');
  });

  test('maps missing parents and files used as folders', async () => {
    await rejectsWith(storage.write(vp('/missing/x.txt'), source('x'), { mode: 'create' }), 'NOT_FOUND');
    await rejectsWith(storage.write(vp('/old.txt/x.txt'), source('x'), { mode: 'create' }), 'NOT_A_DIRECTORY');
  });
});

describe('replace with hidden stores', () => {
  test('replaces the content and leaves no temp file', async () => {
    assert.deepEqual(await storage.write(vp('/old.txt'), source('NEW'), { mode: 'replace' }), { bytes: 3 });
    assert.equal(await content('old.txt'), 'NEW');
    await storage.write(vp('/dir/fresh.txt'), source('fresh'), { mode: 'replace' });
    assert.equal(await content('dir/fresh.txt'), 'fresh');
    assert.deepEqual(await tempFiles(), []);
    assert.deepEqual(await tempFiles(join(root, 'dir')), []);
  });

  test('keeps the old file when the source fails half-way', async () => {
    await assert.rejects(storage.write(vp('/old.txt'), failingSource('PARTIAL NEW DATA'), { mode: 'replace' }), /connection reset by peer/);
    assert.equal(await content('old.txt'), 'OLD CONTENT');
    assert.deepEqual(await tempFiles(), []);
  });

  test('keeps the old file when the signal aborts, reporting TRANSFER_ABORTED', async () => {
    const controller = new AbortController();
    const slow = new Readable({
      read() {
        this.push(Buffer.alloc(1024, 0x41));
        controller.abort();
      },
    });
    await rejectsWith(storage.write(vp('/old.txt'), slow, { mode: 'replace', signal: controller.signal }), 'TRANSFER_ABORTED');
    assert.equal(await content('old.txt'), 'OLD CONTENT');
    assert.deepEqual(await tempFiles(), []);
  });

  test('an already aborted signal writes nothing', async () => {
    const controller = new AbortController();
    controller.abort();
    await rejectsWith(storage.write(vp('/never.txt'), source('x'), { mode: 'create', signal: controller.signal }), 'TRANSFER_ABORTED');
    await assert.rejects(stat(join(root, 'never.txt')), { code: 'ENOENT' });
  });

  test('keeps the permissions of the replaced file', async () => {
    await chmod(join(root, 'old.txt'), 0o600);
    await storage.write(vp('/old.txt'), source('NEW'), { mode: 'replace' });
    assert.equal((await stat(join(root, 'old.txt'))).mode & 0o777, 0o600);
  });

  test('refuses folders and the root', async () => {
    await rejectsWith(storage.write(vp('/dir'), source('x'), { mode: 'replace' }), 'IS_A_DIRECTORY');
    await rejectsWith(storage.write(ROOT, source('x'), { mode: 'replace' }), 'IS_A_DIRECTORY');
    assert.ok((await stat(join(root, 'dir'))).isDirectory());
    assert.deepEqual(await tempFiles(), []);
  });

  test('streams a large upload with backpressure, byte for byte', async () => {
    const chunk = Buffer.alloc(64 * 1024);
    const hash = createHash('sha256');
    let sent = 0;
    const total = 80; // 5 MiB
    const big = new Readable({
      read() {
        if (sent === total) return void this.push(null);
        chunk.fill(sent % 251);
        hash.update(chunk);
        sent++;
        this.push(Buffer.from(chunk));
      },
    });
    assert.deepEqual(await storage.write(vp('/big.bin'), big, { mode: 'replace' }), { bytes: total * chunk.length });
    assert.equal(createHash('sha256').update(await readFile(join(root, 'big.bin'))).digest('hex'), hash.digest('hex'));
  });
});

describe('replace in place (hidden stores off)', () => {
  test('truncates and writes the target directly', async () => {
    const inPlace = await LocalStorage.open(root, { hiddenStores: false });
    await inPlace.write(vp('/old.txt'), source('NEW'), { mode: 'replace' });
    assert.equal(await content('old.txt'), 'NEW');
    await rejectsWith(inPlace.write(vp('/dir'), source('x'), { mode: 'replace' }), 'IS_A_DIRECTORY');
  });

  test('a failed upload removes the partial file, or keeps a prefix of the new data with keepPartial', async () => {
    const inPlace = await LocalStorage.open(root, { hiddenStores: false });
    await assert.rejects(inPlace.write(vp('/old.txt'), failingSource('PARTIAL'), { mode: 'replace' }), /connection reset/);
    await assert.rejects(content('old.txt'), /ENOENT/);
    await assert.rejects(inPlace.write(vp('/old.txt'), failingSource('PARTIAL'), { mode: 'replace', keepPartial: true }), /connection reset/);
    assert.ok('PARTIAL'.startsWith(await content('old.txt')));
    assert.deepEqual(await tempFiles(), []);
  });
});

describe('interrupted uploads (keepPartial)', () => {
  test('hidden stores: a new file is kept partial only with keepPartial; an existing one is never replaced', async () => {
    await assert.rejects(storage.write(vp('/new.txt'), failingSource('HALF'), { mode: 'replace' }), /connection reset/);
    await assert.rejects(content('new.txt'), /ENOENT/);
    await assert.rejects(storage.write(vp('/new.txt'), failingSource('HALF'), { mode: 'replace', keepPartial: true }), /connection reset/);
    assert.ok('HALF'.startsWith(await content('new.txt')));
    await assert.rejects(storage.write(vp('/old.txt'), failingSource('HALF'), { mode: 'replace', keepPartial: true }), /connection reset/);
    assert.equal(await content('old.txt'), 'OLD CONTENT');
    assert.deepEqual(await tempFiles(), []);
  });

  test('append and resume are rolled back unless keepPartial', async () => {
    await assert.rejects(storage.write(vp('/old.txt'), failingSource('+tail'), { mode: 'append' }), /connection reset/);
    assert.equal(await content('old.txt'), 'OLD CONTENT');
    await assert.rejects(storage.write(vp('/old.txt'), failingSource('XYZ'), { mode: 'resume', start: 3 }), /connection reset/);
    assert.equal(await content('old.txt'), 'OLD');
    await assert.rejects(storage.write(vp('/old.txt'), failingSource('+tail'), { mode: 'append', keepPartial: true }), /connection reset/);
    assert.ok((await content('old.txt')).startsWith('OLD'));
  });
});

describe('append', () => {
  test('adds at the end, creating the file if needed', async () => {
    assert.deepEqual(await storage.write(vp('/old.txt'), source('+more'), { mode: 'append' }), { bytes: 5 });
    assert.equal(await content('old.txt'), 'OLD CONTENT+more');
    await storage.write(vp('/log.txt'), source('one'), { mode: 'append' });
    await storage.write(vp('/log.txt'), source('two'), { mode: 'append' });
    assert.equal(await content('log.txt'), 'onetwo');
    await rejectsWith(storage.write(vp('/dir'), source('x'), { mode: 'append' }), 'IS_A_DIRECTORY');
  });
});

describe('resume', () => {
  test('keeps the first start bytes, drops the rest and writes from there', async () => {
    await writeFile(join(root, 'part.bin'), '0123456789');
    assert.deepEqual(await storage.write(vp('/part.bin'), source('XY'), { mode: 'resume', start: 4 }), { bytes: 2 });
    assert.equal(await content('part.bin'), '0123XY');
    await storage.write(vp('/part.bin'), source('Z'), { mode: 'resume', start: 6 });
    assert.equal(await content('part.bin'), '0123XYZ');
  });

  test('start 0 (or none) rewrites from the beginning, creating the file if needed', async () => {
    await storage.write(vp('/fresh.bin'), source('abc'), { mode: 'resume', start: 0 });
    assert.equal(await content('fresh.bin'), 'abc');
    await storage.write(vp('/fresh.bin'), source('z'), { mode: 'resume' });
    assert.equal(await content('fresh.bin'), 'z');
  });

  test('refuses an offset beyond the end, leaving the file (or its absence) as it was', async () => {
    await rejectsWith(storage.write(vp('/old.txt'), source('x'), { mode: 'resume', start: 100 }), 'BAD_ARGUMENT');
    assert.equal(await content('old.txt'), 'OLD CONTENT');
    await rejectsWith(storage.write(vp('/absent.bin'), source('x'), { mode: 'resume', start: 5 }), 'BAD_ARGUMENT');
    await assert.rejects(stat(join(root, 'absent.bin')), { code: 'ENOENT' });
    await rejectsWith(storage.write(vp('/old.txt'), source('x'), { mode: 'resume', start: -1 }), 'BAD_ARGUMENT');
  });
});

describe('umask', () => {
  test('new files and folders get 0o666/0o777 minus the configured umask, whatever the process umask', async () => {
    for (const [umask, fileMode, dirMode] of [
      [0o002, 0o664, 0o775],
      [0o077, 0o600, 0o700],
      [0o022, 0o644, 0o755],
    ] as const) {
      const masked = await LocalStorage.open(root, { umask });
      const name = `u${umask.toString(8)}`;
      await masked.write(vp(`/${name}-create`), source('x'), { mode: 'create' });
      await masked.write(vp(`/${name}-replace`), source('x'), { mode: 'replace' });
      await masked.write(vp(`/${name}-append`), source('x'), { mode: 'append' });
      await masked.mkdir(vp(`/${name}-dir`));
      for (const suffix of ['create', 'replace', 'append']) {
        assert.equal((await stat(join(root, `${name}-${suffix}`))).mode & 0o777, fileMode, `${name}-${suffix}`);
      }
      assert.equal((await stat(join(root, `${name}-dir`))).mode & 0o777, dirMode);
    }
  });

  test('appending to an existing file keeps its mode', async () => {
    await chmod(join(root, 'old.txt'), 0o640);
    await storage.write(vp('/old.txt'), source('x'), { mode: 'append' });
    assert.equal((await stat(join(root, 'old.txt'))).mode & 0o777, 0o640);
  });
});
