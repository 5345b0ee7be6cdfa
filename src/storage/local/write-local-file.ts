// Uploads into the local backend in the four WriteModes; `replace` with hidden stores writes a
// hidden temp file and renames it over the target, so a failed upload never damages the old file.
import { randomBytes } from 'node:crypto';
import { constants, type Stats } from 'node:fs';
import { lstat, open, realpath, rename, stat, truncate, unlink, type FileHandle } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { FerryError } from '../../errors/ferry-error.js';
import type { WriteOptions, WriteResult, WriteSource } from '../storage.js';
import type { VirtualPath } from '../virtual-path.js';
import { HIDDEN_STORE_PREFIX, type HostPathResolver } from './host-path-resolver.js';
import { errnoOf, mapFsError } from './map-fs-error.js';

// Absent on Windows; there the containment rests on the realpath checks alone.
const O_NOFOLLOW = constants.O_NOFOLLOW ?? 0;
// Opening a FIFO for writing would otherwise block a libuv thread until a reader shows up.
const O_NONBLOCK = constants.O_NONBLOCK ?? 0;
const { O_WRONLY, O_CREAT, O_EXCL, O_TRUNC, O_APPEND } = constants;
const WRITE_FLAGS = O_WRONLY | O_NOFOLLOW | O_NONBLOCK;

export interface LocalWriteSettings {
  hiddenStores: boolean;
  /** Mode for new files (0o666 & ~umask); applied with fchmod so the process umask does not interfere. */
  fileMode: number;
}

interface WriteTarget {
  /** Host path to write: the final component, or the real target of a symlink that stays inside. */
  path: string;
  /** lstat/stat of what is there now, if anything. */
  existing: Stats | undefined;
}

export async function writeLocalFile(
  resolver: HostPathResolver,
  path: VirtualPath,
  source: WriteSource,
  options: WriteOptions,
  settings: LocalWriteSettings,
): Promise<WriteResult> {
  try {
    options.signal?.throwIfAborted();
    const target = await resolveWriteTarget(resolver, path);
    const keep = options.keepPartial === true;
    if (options.mode === 'create') {
      if (target.existing !== undefined) throw new FerryError('ALREADY_EXISTS', `${path}: exists`, { publicMessage: 'File exists' });
      const handle = await open(target.path, WRITE_FLAGS | O_CREAT | O_EXCL, settings.fileMode);
      return await undoOnFailure(fill(handle, source, undefined, options.signal, () => handle.chmod(settings.fileMode)), keep, () => unlink(target.path));
    }
    assertWritable(target.existing, path);
    switch (options.mode) {
      case 'replace':
        if (settings.hiddenStores) return await replaceAtomically(target, source, options.signal, settings.fileMode, keep);
        // In place (hidden stores off): the old content is gone with O_TRUNC; drop the partial file unless kept.
        return await undoOnFailure(fill(await openOrCreate(target.path, WRITE_FLAGS | O_TRUNC, settings.fileMode), source, undefined, options.signal), keep, () => unlink(target.path));
      case 'append': {
        const before = target.existing?.size ?? 0;
        const created = target.existing === undefined;
        return await undoOnFailure(fill(await openOrCreate(target.path, WRITE_FLAGS | O_APPEND, settings.fileMode), source, undefined, options.signal), keep, () =>
          created ? unlink(target.path) : truncate(target.path, before),
        );
      }
      case 'resume':
        return await undoOnFailure(resume(target.path, path, source, options, settings.fileMode), keep, () => truncate(target.path, options.start ?? 0));
      default:
        throw new FerryError('BAD_ARGUMENT', `unknown write mode ${String(options.mode)}`, { publicMessage: 'Unsupported write mode' });
    }
  } catch (err) {
    throw mapFsError(err, 'write', path);
  }
}

/** Follow a final symlink only when it stays inside; a dangling one is written as the link itself (O_NOFOLLOW refuses). */
async function resolveWriteTarget(resolver: HostPathResolver, path: VirtualPath): Promise<WriteTarget> {
  const parent = await resolver.parent(path);
  if (parent.name === '') throw new FerryError('IS_A_DIRECTORY', `${path}: is the root`, { publicMessage: 'Is a directory' });
  let existing: Stats;
  try {
    existing = await lstat(parent.hostPath);
  } catch (err) {
    if (errnoOf(err) === 'ENOENT') return { path: parent.hostPath, existing: undefined };
    throw err;
  }
  if (!existing.isSymbolicLink()) return { path: parent.hostPath, existing };
  let real: string;
  try {
    real = await realpath(parent.hostPath);
  } catch (err) {
    if (errnoOf(err) === 'ENOENT') return { path: parent.hostPath, existing };
    throw err;
  }
  resolver.assertInside(real, path);
  return { path: real, existing: await stat(real) };
}

function assertWritable(existing: Stats | undefined, path: VirtualPath): void {
  if (existing === undefined || existing.isFile() || existing.isSymbolicLink()) return;
  if (existing.isDirectory()) throw new FerryError('IS_A_DIRECTORY', `${path}: is a directory`, { publicMessage: 'Is a directory' });
  throw new FerryError('PERMISSION_DENIED', `${path}: not a regular file`, { publicMessage: 'Not a regular file' });
}

/** Await the write; when it fails and the partial data is not to be kept, run `undo` (best effort), then rethrow. */
async function undoOnFailure(write: Promise<WriteResult>, keep: boolean, undo: () => Promise<void>): Promise<WriteResult> {
  try {
    return await write;
  } catch (err) {
    if (!keep && !(err instanceof FerryError && err.code === 'BAD_ARGUMENT')) await undo().catch(() => {});
    throw err;
  }
}

async function replaceAtomically(target: WriteTarget, source: WriteSource, signal: AbortSignal | undefined, fileMode: number, keep: boolean): Promise<WriteResult> {
  const tempPath = join(dirname(target.path), `${HIDDEN_STORE_PREFIX}${randomBytes(8).toString('hex')}`);
  const handle = await open(tempPath, WRITE_FLAGS | O_CREAT | O_EXCL, fileMode);
  // Keep the permissions of the file being replaced (a private 0600 file stays private).
  const mode = target.existing?.isFile() ? target.existing.mode & 0o777 : fileMode;
  try {
    const result = await fill(handle, source, undefined, signal, () => handle.chmod(mode));
    // fill() has closed the handle: the rename publishes a complete, closed file.
    await rename(tempPath, target.path);
    return result;
  } catch (err) {
    // Keep the partial upload for a later REST/APPE only where it replaces nothing.
    if (keep && target.existing === undefined) await rename(tempPath, target.path).catch(() => unlink(tempPath).catch(() => {}));
    else await unlink(tempPath).catch(() => {});
    throw err;
  }
}

/** REST + STOR: keep the first `start` bytes, drop the rest, write from there. */
async function resume(hostPath: string, path: VirtualPath, source: WriteSource, options: WriteOptions, fileMode: number): Promise<WriteResult> {
  const start = options.start ?? 0;
  if (!Number.isSafeInteger(start) || start < 0) throw badOffset(path);
  const handle =
    start === 0
      ? await openOrCreate(hostPath, WRITE_FLAGS, fileMode)
      : await open(hostPath, WRITE_FLAGS).catch((err: unknown) => {
          throw errnoOf(err) === 'ENOENT' ? badOffset(path) : err;
        });
  return fill(handle, source, start, options.signal, async () => {
    const { size } = await handle.stat();
    if (start > size) throw badOffset(path);
    await handle.truncate(start);
  });
}

/**
 * Run `prepare`, then write `source` into `handle` (at `position`, or the current offset) chunk by
 * chunk, each before the next is asked for, or have the source write it there itself
 * (`receiveInto`); always closes the handle, and reports a failed close.
 */
async function fill(
  handle: FileHandle,
  source: WriteSource,
  position: number | undefined,
  signal: AbortSignal | undefined,
  prepare?: () => Promise<void>,
): Promise<WriteResult> {
  try {
    if (!(await handle.stat()).isFile()) throw new FerryError('PERMISSION_DENIED', 'not a regular file', { publicMessage: 'Not a regular file' });
    await prepare?.();
    let bytes = 0;
    if (source.receiveInto) bytes = await source.receiveInto(handle.fd, position);
    else {
      for await (const chunk of source) {
        signal?.throwIfAborted();
        await writeAll(handle, chunk, position === undefined ? null : position + bytes);
        bytes += chunk.length;
      }
    }
    signal?.throwIfAborted();
    await handle.close();
    return { bytes };
  } catch (err) {
    // close() waits for any write still in flight, and is a no-op if the handle is already closed.
    await handle.close().catch(() => {});
    throw err;
  }
}

/** One chunk, however many write calls it takes (`null`: at the current offset). */
async function writeAll(handle: FileHandle, chunk: Uint8Array, position: number | null): Promise<void> {
  for (let done = 0; done < chunk.length; ) {
    const { bytesWritten } = await handle.write(chunk, done, chunk.length - done, position === null ? null : position + done);
    done += bytesWritten;
  }
}

/**
 * Open for writing, creating the file if needed. O_EXCL first tells us whether we created it, so
 * only new files get our mode; the retry covers a file deleted or created between the two opens.
 */
async function openOrCreate(hostPath: string, flags: number, fileMode: number): Promise<FileHandle> {
  for (let attempt = 1; ; attempt++) {
    const created = await open(hostPath, flags | O_CREAT | O_EXCL, fileMode).catch((err: unknown) => {
      if (errnoOf(err) === 'EEXIST') return undefined;
      throw err;
    });
    if (created !== undefined) {
      await created.chmod(fileMode).catch(async (err: unknown) => {
        await created.close().catch(() => {});
        throw err;
      });
      return created;
    }
    const existing = await open(hostPath, flags).catch((err: unknown) => {
      if (errnoOf(err) === 'ENOENT' && attempt < 3) return undefined;
      throw err;
    });
    if (existing !== undefined) return existing;
  }
}

function badOffset(path: VirtualPath): FerryError {
  return new FerryError('BAD_ARGUMENT', `${path}: restart offset beyond end of file`, {
    publicMessage: 'Restart offset is beyond the end of the file',
  });
}
