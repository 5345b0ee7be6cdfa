// Containment tests: symlinks leading out of the root, `..` and NUL bytes must never reach outside,
// for every operation; symlinks that stay inside keep working.
import assert from 'node:assert/strict';
import { lstat, mkdir, mkdtemp, readdir, readFile, readlink, realpath, rm, stat, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { afterEach, beforeEach, describe, test } from 'node:test';
import { isFerryError, type ErrorCode } from '../../errors/ferry-error.js';
import type { FileStat } from '../storage.js';
import { ROOT, resolveVirtualPath, type VirtualPath } from '../virtual-path.js';
import { LocalStorage } from './local-storage.js';

const vp = (input: string): VirtualPath => resolveVirtualPath(ROOT, input);
const raw = (input: string): VirtualPath => input as VirtualPath;
const source = (text: string): Readable => Readable.from([Buffer.from(text)]);
const SECRET = 'TOP SECRET';

let base: string;
let root: string;
let outside: string;
let storage: LocalStorage;

async function rejectsWith(promise: Promise<unknown>, code: ErrorCode): Promise<void> {
  await assert.rejects(promise, (err: unknown) => {
    assert.ok(isFerryError(err), `expected a FerryError ${code}, got ${String(err)}`);
    assert.equal(err.code, code);
    assert.ok(err.publicMessage !== undefined && !err.publicMessage.includes(base), 'public message leaks a host path');
    return true;
  });
}

async function collect(path: VirtualPath): Promise<FileStat[]> {
  const entries: FileStat[] = [];
  for await (const batch of storage.list(path)) entries.push(...batch);
  return entries;
}

/** The outside folder is exactly as the fixture made it. */
async function assertOutsideUntouched(): Promise<void> {
  assert.deepEqual((await readdir(outside)).sort(), ['empty', 'secret.txt']);
  assert.equal(await readFile(join(outside, 'secret.txt'), 'utf8'), SECRET);
  assert.equal((await stat(join(outside, 'secret.txt'))).mode & 0o777, 0o600);
}

beforeEach(async () => {
  base = await realpath(await mkdtemp(join(tmpdir(), 'ferry-contain-')));
  root = join(base, 'root');
  outside = join(base, 'outside');
  await mkdir(root);
  await mkdir(outside);
  await mkdir(join(outside, 'empty'));
  await writeFile(join(outside, 'secret.txt'), SECRET, { mode: 0o600 });
  await writeFile(join(root, 'inside.txt'), 'hello');
  await mkdir(join(root, 'sub'));
  await writeFile(join(root, 'sub', 'nested.txt'), 'nested');
  await symlink(outside, join(root, 'out-dir'));
  await symlink(join(outside, 'secret.txt'), join(root, 'out-file'));
  await symlink('../outside/secret.txt', join(root, 'rel-out'));
  await symlink('../out-dir', join(root, 'sub', 'chain-out'));
  await symlink('inside.txt', join(root, 'in-file'));
  await symlink('sub', join(root, 'in-dir'));
  await symlink(join(root, 'inside.txt'), join(root, 'abs-in'));
  await symlink('missing-target', join(root, 'dangling'));
  await symlink('loop-b', join(root, 'loop-a'));
  await symlink('loop-a', join(root, 'loop-b'));
  storage = await LocalStorage.open(root);
});

afterEach(async () => {
  await rm(base, { recursive: true, force: true });
});

const OUT_PATHS = ['/out-file', '/out-dir/secret.txt', '/rel-out', '/sub/chain-out/secret.txt'];

describe('symlinks leading outside are refused', () => {
  test('stat', async () => {
    for (const path of [...OUT_PATHS, '/out-dir', '/sub/chain-out']) await rejectsWith(storage.stat(vp(path)), 'PATH_OUTSIDE_ROOT');
  });

  test('read', async () => {
    for (const path of OUT_PATHS) await rejectsWith(storage.read(vp(path)), 'PATH_OUTSIDE_ROOT');
  });

  test('list into an outside folder or of an outside file', async () => {
    for (const path of ['/out-dir', '/sub/chain-out', '/out-file', '/out-dir/empty']) await rejectsWith(collect(vp(path)), 'PATH_OUTSIDE_ROOT');
  });

  test('write in every mode, with and without hidden stores', async () => {
    const inPlace = await LocalStorage.open(root, { hiddenStores: false });
    for (const backend of [storage, inPlace]) {
      for (const mode of ['create', 'replace', 'append', 'resume'] as const) {
        await rejectsWith(backend.write(vp('/out-dir/planted.txt'), source('pwned'), { mode }), 'PATH_OUTSIDE_ROOT');
        await rejectsWith(backend.write(vp('/sub/chain-out/planted.txt'), source('pwned'), { mode }), 'PATH_OUTSIDE_ROOT');
        await rejectsWith(backend.write(vp('/out-dir/secret.txt'), source('pwned'), { mode, start: 0 }), 'PATH_OUTSIDE_ROOT');
        await rejectsWith(backend.write(vp('/out-file'), source('pwned'), { mode, start: 0 }), 'PATH_OUTSIDE_ROOT');
        await rejectsWith(backend.write(vp('/rel-out'), source('pwned'), { mode, start: 0 }), 'PATH_OUTSIDE_ROOT');
      }
    }
    await assertOutsideUntouched();
    assert.equal(await readlink(join(root, 'out-file')), join(outside, 'secret.txt'));
  });

  test('a dangling link is never written through', async () => {
    const inPlace = await LocalStorage.open(root, { hiddenStores: false });
    for (const mode of ['append', 'resume'] as const) await rejectsWith(inPlace.write(vp('/dangling'), source('x'), { mode }), 'PATH_OUTSIDE_ROOT');
    await rejectsWith(inPlace.write(vp('/dangling'), source('x'), { mode: 'replace' }), 'PATH_OUTSIDE_ROOT');
    await assert.rejects(stat(join(root, 'missing-target')), { code: 'ENOENT' });
  });

  test('mkdir, rmdir and remove', async () => {
    await rejectsWith(storage.mkdir(vp('/out-dir/made')), 'PATH_OUTSIDE_ROOT');
    await rejectsWith(storage.rmdir(vp('/out-dir/empty')), 'PATH_OUTSIDE_ROOT');
    await rejectsWith(storage.remove(vp('/out-dir/secret.txt')), 'PATH_OUTSIDE_ROOT');
    await rejectsWith(storage.remove(vp('/sub/chain-out/secret.txt')), 'PATH_OUTSIDE_ROOT');
    await assertOutsideUntouched();
  });

  test('removing or rmdir-ing the link itself never touches the target', async () => {
    await rejectsWith(storage.rmdir(vp('/out-dir')), 'NOT_A_DIRECTORY');
    await storage.remove(vp('/out-file'));
    await storage.remove(vp('/out-dir'));
    await assert.rejects(lstat(join(root, 'out-file')), { code: 'ENOENT' });
    await assertOutsideUntouched();
  });

  test('rename out of and into an outside folder', async () => {
    await rejectsWith(storage.rename(vp('/out-dir/secret.txt'), vp('/stolen.txt')), 'PATH_OUTSIDE_ROOT');
    await rejectsWith(storage.rename(vp('/inside.txt'), vp('/out-dir/planted.txt')), 'PATH_OUTSIDE_ROOT');
    await rejectsWith(storage.rename(vp('/sub'), vp('/sub/chain-out/sub')), 'PATH_OUTSIDE_ROOT');
    await assertOutsideUntouched();
    assert.equal(await readFile(join(root, 'inside.txt'), 'utf8'), 'hello');
  });

  test('setModified and chmod', async () => {
    const before = (await stat(join(outside, 'secret.txt'))).mtime.getTime();
    const outsideMode = (await stat(outside)).mode;
    for (const path of OUT_PATHS) await rejectsWith(storage.setModified(vp(path), new Date(0)), 'PATH_OUTSIDE_ROOT');
    await rejectsWith(storage.chmod(vp('/out-dir/secret.txt'), 0o777), 'PATH_OUTSIDE_ROOT');
    await rejectsWith(storage.chmod(vp('/out-file'), 0o777), 'PERMISSION_DENIED');
    await rejectsWith(storage.chmod(vp('/out-dir'), 0o777), 'PERMISSION_DENIED');
    assert.equal((await stat(join(outside, 'secret.txt'))).mtime.getTime(), before);
    assert.equal((await stat(outside)).mode, outsideMode);
    await assertOutsideUntouched();
  });

  test('symlink loops are refused', async () => {
    await rejectsWith(storage.stat(vp('/loop-a')), 'PATH_OUTSIDE_ROOT');
    await rejectsWith(storage.read(vp('/loop-a')), 'PATH_OUTSIDE_ROOT');
  });

  test('the root listing shows outside links as bare size-0 links, never their host targets', async () => {
    const entries = new Map((await collect(ROOT)).map((entry) => [entry.name, entry]));
    for (const name of ['out-dir', 'out-file', 'rel-out']) {
      const entry = entries.get(name);
      assert.ok(entry, name);
      assert.equal(entry.type, 'symlink');
      assert.equal(entry.size, 0);
      assert.equal(entry.linkTarget, undefined);
    }
    assert.ok(!entries.has('secret.txt'));
    const chain = (await collect(vp('/sub'))).find((entry) => entry.name === 'chain-out');
    assert.equal(chain?.linkTarget, '../out-dir');
    assert.equal(chain?.size, 0);
  });
});

describe('symlinks inside the root work', () => {
  test('stat and read follow them', async () => {
    const file = await storage.stat(vp('/in-file'));
    assert.equal(file.type, 'file');
    assert.equal(file.size, 5);
    assert.equal(file.name, 'in-file');
    assert.equal((await storage.stat(vp('/in-dir'))).type, 'dir');
    for (const path of ['/in-file', '/abs-in']) {
      const chunks: Buffer[] = [];
      for await (const chunk of await storage.read(vp(path))) chunks.push(chunk as Buffer);
      assert.equal(Buffer.concat(chunks).toString(), 'hello');
    }
  });

  test('list and write through a linked folder', async () => {
    assert.deepEqual((await collect(vp('/in-dir'))).map((entry) => entry.name).sort(), ['chain-out', 'nested.txt']);
    await storage.write(vp('/in-dir/new.txt'), source('via link'), { mode: 'create' });
    assert.equal(await readFile(join(root, 'sub', 'new.txt'), 'utf8'), 'via link');
    await storage.mkdir(vp('/in-dir/made'));
    assert.ok((await stat(join(root, 'sub', 'made'))).isDirectory());
  });

  test('replacing through an inside link writes its target and keeps the link', async () => {
    await storage.write(vp('/in-file'), source('replaced'), { mode: 'replace' });
    assert.equal(await readFile(join(root, 'inside.txt'), 'utf8'), 'replaced');
    assert.ok((await lstat(join(root, 'in-file'))).isSymbolicLink());
    await storage.write(vp('/in-file'), source('!'), { mode: 'append' });
    assert.equal(await readFile(join(root, 'inside.txt'), 'utf8'), 'replaced!');
  });

  test('listings show them as links with the target size and an inside-only target', async () => {
    const entries = new Map((await collect(ROOT)).map((entry) => [entry.name, entry]));
    assert.deepEqual([entries.get('in-file')?.type, entries.get('in-file')?.size, entries.get('in-file')?.linkTarget], ['symlink', 5, 'inside.txt']);
    assert.deepEqual([entries.get('abs-in')?.type, entries.get('abs-in')?.size, entries.get('abs-in')?.linkTarget], ['symlink', 5, '/inside.txt']);
    assert.deepEqual([entries.get('dangling')?.type, entries.get('dangling')?.size, entries.get('dangling')?.linkTarget], ['symlink', 0, 'missing-target']);
    await rejectsWith(storage.stat(vp('/dangling')), 'NOT_FOUND');
  });
});

describe('hostile virtual paths', () => {
  test('resolveVirtualPath keeps `..` inside and refuses NUL bytes', async () => {
    const climbed = resolveVirtualPath(ROOT, '../../outside/secret.txt');
    assert.equal(climbed, '/outside/secret.txt');
    await rejectsWith(storage.read(climbed), 'NOT_FOUND');
    assert.throws(() => resolveVirtualPath(ROOT, 'a\0b'), (err: unknown) => isFerryError(err, 'INVALID_PATH'));
  });

  test('the backend refuses raw `..`, `.`, NUL and relative paths on its own', async () => {
    const hostile = ['/../outside/secret.txt', '/sub/../../outside/secret.txt', '/./inside.txt', '/inside.txt\0.jpg', 'inside.txt', ''];
    for (const text of hostile) {
      const path = raw(text);
      await rejectsWith(storage.stat(path), 'INVALID_PATH');
      await rejectsWith(storage.read(path), 'INVALID_PATH');
      await rejectsWith(collect(path), 'INVALID_PATH');
      await rejectsWith(storage.write(path, source('x'), { mode: 'replace' }), 'INVALID_PATH');
      await rejectsWith(storage.mkdir(path), 'INVALID_PATH');
      await rejectsWith(storage.rmdir(path), 'INVALID_PATH');
      await rejectsWith(storage.remove(path), 'INVALID_PATH');
      await rejectsWith(storage.rename(path, vp('/x')), 'INVALID_PATH');
      await rejectsWith(storage.rename(vp('/inside.txt'), path), 'INVALID_PATH');
      await rejectsWith(storage.setModified(path, new Date()), 'INVALID_PATH');
      await rejectsWith(storage.chmod(path, 0o777), 'INVALID_PATH');
    }
    await assertOutsideUntouched();
    assert.equal(await readFile(join(root, 'inside.txt'), 'utf8'), 'hello');
  });

  test('names reserved for hidden-store temp files are refused', async () => {
    await rejectsWith(storage.write(vp('/.ferry-upload-abc'), source('x'), { mode: 'create' }), 'INVALID_NAME');
    await rejectsWith(storage.rename(vp('/inside.txt'), vp('/.ferry-upload-abc')), 'INVALID_NAME');
    await rejectsWith(storage.mkdir(vp('/.ferry-upload-dir')), 'INVALID_NAME');
  });
});
