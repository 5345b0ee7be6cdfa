// Tests for LocalStorage: opening, stat, read, and the folder/file operations with their error codes.
import assert from 'node:assert/strict';
import { chmod, lstat, mkdir, mkdtemp, readFile, realpath, rm, stat, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, test } from 'node:test';
import { isFerryError, type ErrorCode } from '../../errors/ferry-error.js';
import { ROOT, resolveVirtualPath, type VirtualPath } from '../virtual-path.js';
import { LocalStorage } from './local-storage.js';

const vp = (input: string): VirtualPath => resolveVirtualPath(ROOT, input);

async function readAll(stream: AsyncIterable<Buffer>): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
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

beforeEach(async () => {
  base = await realpath(await mkdtemp(join(tmpdir(), 'ferry-local-')));
  root = join(base, 'root');
  await mkdir(root);
  await writeFile(join(root, 'hello.txt'), 'hello world');
  await mkdir(join(root, 'docs'));
  await writeFile(join(root, 'docs', 'a.txt'), 'aaa');
  storage = await LocalStorage.open(root);
});

afterEach(async () => {
  await rm(base, { recursive: true, force: true });
});

describe('LocalStorage.open', () => {
  test('refuses a missing root, a file root and a bad umask', async () => {
    await rejectsWith(LocalStorage.open(join(base, 'missing')), 'NOT_FOUND');
    await rejectsWith(LocalStorage.open(join(root, 'hello.txt')), 'NOT_A_DIRECTORY');
    await assert.rejects(LocalStorage.open(root, { umask: 0o1000 }), RangeError);
    await assert.rejects(LocalStorage.open(root, { umask: -1 }), RangeError);
  });

  test('stores the real path of a root given through a symlink', async () => {
    await symlink(root, join(base, 'root-link'));
    const viaLink = await LocalStorage.open(join(base, 'root-link'));
    assert.equal(viaLink.root, root);
    assert.equal((await viaLink.stat(vp('/hello.txt'))).size, 11);
  });

  test('declares its capabilities, atomicUpload following hiddenStores', async () => {
    assert.deepEqual(storage.capabilities, { append: true, resumeUpload: true, atomicUpload: true, setModified: true, chmod: true });
    const inPlace = await LocalStorage.open(root, { hiddenStores: false });
    assert.equal(inPlace.capabilities.atomicUpload, false);
  });
});

describe('stat', () => {
  test('describes files and folders', async () => {
    await chmod(join(root, 'hello.txt'), 0o640);
    const file = await storage.stat(vp('/hello.txt'));
    const host = await stat(join(root, 'hello.txt'));
    assert.equal(file.name, 'hello.txt');
    assert.equal(file.type, 'file');
    assert.equal(file.size, 11);
    assert.equal(file.mode, 0o640);
    assert.equal(file.mtime.getTime(), host.mtime.getTime());
    assert.equal(file.unique, `${host.dev.toString(16)}.${host.ino.toString(16)}`);
    assert.equal(file.linkTarget, undefined);

    const dir = await storage.stat(vp('/docs'));
    assert.equal(dir.type, 'dir');
    assert.equal(dir.name, 'docs');
    assert.notEqual(dir.unique, file.unique);

    const rootStat = await storage.stat(ROOT);
    assert.equal(rootStat.name, '');
    assert.equal(rootStat.type, 'dir');
  });

  test('maps missing paths, files used as folders and over-long names', async () => {
    await rejectsWith(storage.stat(vp('/nope')), 'NOT_FOUND');
    await rejectsWith(storage.stat(vp('/nope/deeper')), 'NOT_FOUND');
    await rejectsWith(storage.stat(vp('/hello.txt/x')), 'NOT_A_DIRECTORY');
    await rejectsWith(storage.stat(vp(`/${'n'.repeat(300)}`)), 'INVALID_NAME');
  });

  test('maps EACCES to PERMISSION_DENIED', { skip: process.getuid?.() === 0 ? 'root ignores file permissions' : false }, async () => {
    await mkdir(join(root, 'locked'));
    await writeFile(join(root, 'locked', 'f'), 'x');
    await chmod(join(root, 'locked'), 0o000);
    try {
      await rejectsWith(storage.stat(vp('/locked/f')), 'PERMISSION_DENIED');
    } finally {
      await chmod(join(root, 'locked'), 0o755);
    }
  });
});

describe('read', () => {
  test('returns the whole file, or its tail from a start offset', async () => {
    assert.equal(await readAll(await storage.read(vp('/hello.txt'))), 'hello world');
    assert.equal(await readAll(await storage.read(vp('/hello.txt'), { start: 6 })), 'world');
    assert.equal(await readAll(await storage.read(vp('/hello.txt'), { start: 11 })), '');
    assert.equal(await readAll(await storage.read(vp('/hello.txt'), { start: 50 })), '');
  });

  test('raises open errors from read() itself, not from the stream', async () => {
    await rejectsWith(storage.read(vp('/missing.txt')), 'NOT_FOUND');
    await rejectsWith(storage.read(vp('/docs')), 'IS_A_DIRECTORY');
    await rejectsWith(storage.read(ROOT), 'IS_A_DIRECTORY');
    await rejectsWith(storage.read(vp('/hello.txt'), { start: -1 }), 'BAD_ARGUMENT');
    await rejectsWith(storage.read(vp('/hello.txt'), { start: 1.5 }), 'BAD_ARGUMENT');
  });

  test('readInto fills the whole buffer until the end of the file, then counts short', async () => {
    await writeFile(join(root, 'ten.bin'), Buffer.from('0123456789'));
    const reader = await storage.read(vp('/ten.bin'), { start: 1 });
    assert.equal(reader.size, 10);
    const buffer = Buffer.alloc(4);
    const parts: string[] = [];
    for (let n = await reader.readInto(buffer); n > 0; n = await reader.readInto(buffer)) parts.push(buffer.toString('utf8', 0, n));
    assert.deepEqual(parts, ['1234', '5678', '9']);
    await reader.close();
    await reader.close(); // idempotent
  });

  test('an aborted signal stops the stream', async () => {
    await writeFile(join(root, 'big.bin'), Buffer.alloc(4 * 1024 * 1024, 1));
    const controller = new AbortController();
    const stream = await storage.read(vp('/big.bin'), { signal: controller.signal });
    let received = 0;
    await assert.rejects(
      (async () => {
        for await (const chunk of stream) {
          received += (chunk as Buffer).length;
          controller.abort();
        }
      })(),
      { name: 'AbortError' },
    );
    assert.ok(received < 4 * 1024 * 1024);
    await rejectsWith(storage.read(vp('/hello.txt'), { signal: controller.signal }), 'TRANSFER_ABORTED');
  });
});

describe('mkdir and rmdir', () => {
  test('mkdir creates one level, refusing existing names and missing parents', async () => {
    await storage.mkdir(vp('/new'));
    assert.ok((await stat(join(root, 'new'))).isDirectory());
    await rejectsWith(storage.mkdir(vp('/new')), 'ALREADY_EXISTS');
    await rejectsWith(storage.mkdir(vp('/hello.txt')), 'ALREADY_EXISTS');
    await rejectsWith(storage.mkdir(vp('/a/b')), 'NOT_FOUND');
    await rejectsWith(storage.mkdir(vp('/hello.txt/b')), 'NOT_A_DIRECTORY');
    await rejectsWith(storage.mkdir(ROOT), 'ALREADY_EXISTS');
  });

  test('rmdir removes empty folders only, never the root', async () => {
    await mkdir(join(root, 'empty'));
    await storage.rmdir(vp('/empty'));
    await assert.rejects(stat(join(root, 'empty')), { code: 'ENOENT' });
    await rejectsWith(storage.rmdir(vp('/docs')), 'DIRECTORY_NOT_EMPTY');
    await rejectsWith(storage.rmdir(vp('/hello.txt')), 'NOT_A_DIRECTORY');
    await rejectsWith(storage.rmdir(vp('/missing')), 'NOT_FOUND');
    await rejectsWith(storage.rmdir(ROOT), 'PERMISSION_DENIED');
    assert.ok((await stat(root)).isDirectory());
  });
});

describe('remove', () => {
  test('removes files, refuses folders and the root', async () => {
    await storage.remove(vp('/hello.txt'));
    await assert.rejects(stat(join(root, 'hello.txt')), { code: 'ENOENT' });
    await rejectsWith(storage.remove(vp('/hello.txt')), 'NOT_FOUND');
    await rejectsWith(storage.remove(vp('/docs')), 'IS_A_DIRECTORY');
    await rejectsWith(storage.remove(ROOT), 'IS_A_DIRECTORY');
    assert.equal(await readFile(join(root, 'docs', 'a.txt'), 'utf8'), 'aaa');
  });

  test('removes a symlink itself, not its target', async () => {
    await symlink('hello.txt', join(root, 'link'));
    await storage.remove(vp('/link'));
    await assert.rejects(lstat(join(root, 'link')), { code: 'ENOENT' });
    assert.equal(await readFile(join(root, 'hello.txt'), 'utf8'), 'hello world');
  });
});

describe('rename', () => {
  test('moves files and folders with their contents', async () => {
    await storage.rename(vp('/hello.txt'), vp('/docs/hi.txt'));
    assert.equal(await readFile(join(root, 'docs', 'hi.txt'), 'utf8'), 'hello world');
    await storage.rename(vp('/docs'), vp('/papers'));
    assert.equal(await readFile(join(root, 'papers', 'a.txt'), 'utf8'), 'aaa');
    await storage.rename(vp('/papers/a.txt'), vp('/papers/a.txt'));
    assert.equal(await readFile(join(root, 'papers', 'a.txt'), 'utf8'), 'aaa');
  });

  test('replaces an existing file at the destination', async () => {
    await storage.rename(vp('/hello.txt'), vp('/docs/a.txt'));
    assert.equal(await readFile(join(root, 'docs', 'a.txt'), 'utf8'), 'hello world');
  });

  test('refuses the root, missing sources and moving a folder into itself', async () => {
    await mkdir(join(root, 'docs', 'inner'));
    await rejectsWith(storage.rename(vp('/docs'), vp('/docs/moved')), 'BAD_ARGUMENT');
    await rejectsWith(storage.rename(vp('/docs'), vp('/docs/inner/moved')), 'BAD_ARGUMENT');
    await rejectsWith(storage.rename(ROOT, vp('/x')), 'PERMISSION_DENIED');
    await rejectsWith(storage.rename(vp('/hello.txt'), ROOT), 'PERMISSION_DENIED');
    await rejectsWith(storage.rename(vp('/missing'), vp('/x')), 'NOT_FOUND');
    await rejectsWith(storage.rename(vp('/hello.txt'), vp('/missing/x')), 'NOT_FOUND');
    assert.ok((await stat(join(root, 'docs', 'inner'))).isDirectory());
  });

  test('a sibling whose name starts like the source is not "inside" it', async () => {
    await storage.rename(vp('/docs'), vp('/docs2'));
    assert.equal(await readFile(join(root, 'docs2', 'a.txt'), 'utf8'), 'aaa');
  });
});

describe('setModified and chmod', () => {
  test('setModified sets the modification time', async () => {
    const when = new Date('2020-02-03T04:05:06Z');
    await storage.setModified(vp('/hello.txt'), when);
    assert.equal((await stat(join(root, 'hello.txt'))).mtime.getTime(), when.getTime());
    assert.equal((await storage.stat(vp('/hello.txt'))).mtime.getTime(), when.getTime());
    await rejectsWith(storage.setModified(vp('/hello.txt'), new Date('garbage')), 'BAD_ARGUMENT');
    await rejectsWith(storage.setModified(vp('/missing'), when), 'NOT_FOUND');
  });

  test('chmod sets permission bits only', async () => {
    await storage.chmod(vp('/hello.txt'), 0o600);
    assert.equal((await stat(join(root, 'hello.txt'))).mode & 0o7777, 0o600);
    await storage.chmod(vp('/hello.txt'), 0o4755);
    assert.equal((await stat(join(root, 'hello.txt'))).mode & 0o7777, 0o755);
    await rejectsWith(storage.chmod(vp('/hello.txt'), -1), 'BAD_ARGUMENT');
    await rejectsWith(storage.chmod(vp('/missing'), 0o644), 'NOT_FOUND');
    await rejectsWith(storage.chmod(ROOT, 0o700), 'PERMISSION_DENIED');
  });

  test('chmod refuses symlinks, leaving the target alone', async () => {
    await chmod(join(root, 'hello.txt'), 0o644);
    await symlink('hello.txt', join(root, 'link'));
    await rejectsWith(storage.chmod(vp('/link'), 0o777), 'PERMISSION_DENIED');
    assert.equal((await stat(join(root, 'hello.txt'))).mode & 0o777, 0o644);
  });
});
