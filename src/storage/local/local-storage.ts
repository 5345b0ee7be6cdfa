// Storage backend over a local folder. Every host path comes from HostPathResolver, which keeps
// real paths (symlinks resolved) inside the root; writes open with O_NOFOLLOW.
import { closeSync, constants, fstatSync, openSync, realpathSync, statSync, type Stats } from 'node:fs';
import { chmod, lstat, mkdir, open, realpath, rename, rmdir, stat, unlink, utimes } from 'node:fs/promises';
import { resolve, sep } from 'node:path';
import type { Readable } from 'node:stream';
import { FerryError } from '../../errors/ferry-error.js';
import type { LineFormat } from '../../listing/line-format.js';
import type { FileReader, FileStat, ReadOptions, Storage, StorageCapabilities, WriteOptions, WriteResult, WriteSource } from '../storage.js';
import type { VirtualPath } from '../virtual-path.js';
import { HostPathResolver } from './host-path-resolver.js';
import { listDirectory, listDirectoryLines, listingEntry } from './list-directory.js';
import { LocalFileReader } from './local-file-reader.js';
import { fsFailure, mapFsError, outsideRootError } from './map-fs-error.js';
import { toFileStat } from './to-file-stat.js';
import { writeLocalFile } from './write-local-file.js';

const O_NOFOLLOW = constants.O_NOFOLLOW ?? 0;
const O_NONBLOCK = constants.O_NONBLOCK ?? 0;
const O_DIRECTORY = constants.O_DIRECTORY ?? 0;

export interface LocalStorageOptions {
  /** Upload `replace`s to a hidden temp file renamed on success (default true). */
  hiddenStores?: boolean;
  /** Bits removed from new files (0o666) and folders (0o777); default 0o022. */
  umask?: number;
}

/*
 * Remaining time-of-check/time-of-use window: Node has no openat()/mkdirat(), so path-based calls
 * (mkdir, rmdir, unlink, rename, chmod, utimes, opendir) run on a parent whose real path was checked
 * a moment earlier. Someone with a shell on the host who can swap a checked folder for a symlink in
 * that instant could redirect one such call. FTP users cannot create symlinks, so this needs local
 * access. Reads close the window: they open without following and then compare dev/inode with a
 * fresh realpath. Writes open with O_NOFOLLOW, so the final component is never followed.
 */
export class LocalStorage implements Storage {
  readonly capabilities: StorageCapabilities;
  private readonly fileMode: number;
  private readonly dirMode: number;

  private constructor(
    private readonly resolver: HostPathResolver,
    private readonly hiddenStores: boolean,
    umask: number,
  ) {
    this.fileMode = 0o666 & ~umask;
    this.dirMode = 0o777 & ~umask;
    this.capabilities = Object.freeze({ append: true, resumeUpload: true, atomicUpload: hiddenStores, setModified: true, chmod: true });
  }

  /** Open the backend over `root`, which must be an existing folder (its realpath becomes the root). */
  static async open(root: string, options: LocalStorageOptions = {}): Promise<LocalStorage> {
    const umask = options.umask ?? 0o022;
    if (!Number.isInteger(umask) || umask < 0 || umask > 0o777) throw new RangeError(`umask must be an integer in 0..0o777, got ${umask}`);
    const configuredRoot = resolve(root);
    try {
      const realRoot = await realpath(configuredRoot);
      if (!(await stat(realRoot)).isDirectory()) {
        throw new FerryError('NOT_A_DIRECTORY', `storage root ${configuredRoot} is not a directory`, { publicMessage: 'Not a directory' });
      }
      return new LocalStorage(new HostPathResolver(realRoot, configuredRoot), options.hiddenStores ?? true, umask);
    } catch (err) {
      throw mapFsError(err, 'open storage root', configuredRoot);
    }
  }

  /** The real host folder this backend serves (for logs; never show it to users). */
  get root(): string {
    return this.resolver.realRoot;
  }

  /** Follows a final symlink that stays inside the root (so CWD/SIZE work through it); refuses one leading out. */
  async stat(path: VirtualPath): Promise<FileStat> {
    const target = await this.resolver.target(path);
    return toFileStat(target.name, target.stat);
  }

  /**
   * Folder entries, streamed; a file path yields that file's own entry (LIST of a file). Errors
   * (NOT_FOUND, PATH_OUTSIDE_ROOT...) surface on the first iteration.
   */
  async *list(path: VirtualPath): AsyncGenerator<FileStat[]> {
    const target = await this.resolver.target(path);
    if (target.stat.isDirectory()) {
      yield* listDirectory(this.resolver, target.realPath, path);
      return;
    }
    const entry = await listingEntry(this.resolver, target.realParent, target.name, path);
    if (entry === undefined) throw new FerryError('NOT_FOUND', `${path}: vanished`, { publicMessage: 'No such file or directory' });
    yield [entry];
  }

  /** A folder's lines, formatted on the listing threads beside their lstat calls. */
  async *listLines(path: VirtualPath, format: LineFormat): AsyncGenerator<Uint8Array> {
    const target = await this.resolver.target(path);
    if (!target.stat.isDirectory()) throw new FerryError('NOT_A_DIRECTORY', `listLines of ${path}`, { publicMessage: `${path} is not a directory` });
    yield* listDirectoryLines(this.resolver, target.realPath, path, format);
  }

  async read(path: VirtualPath, options: ReadOptions = {}): Promise<FileReader> {
    const start = options.start ?? 0;
    if (!Number.isSafeInteger(start) || start < 0) {
      throw new FerryError('BAD_ARGUMENT', `${path}: bad read offset ${start}`, { publicMessage: 'Invalid restart offset' });
    }
    try {
      options.signal?.throwIfAborted();
      const target = await this.resolver.target(path);
      // Checked before opening: opening a FIFO or device can have side effects.
      assertRegularFile(target.stat, path);
      // The real path has no symlink left; O_NOFOLLOW refuses one swapped in at the end since then.
      // Synchronous like the resolver's checks (see host-path-resolver.ts); the data is read asynchronously.
      const fd = openSync(target.realPath, constants.O_RDONLY | O_NOFOLLOW | O_NONBLOCK);
      try {
        const opened = fstatSync(fd);
        this.assertOpenedInside(target.realPath, opened, path);
        assertRegularFile(opened, path);
        return new LocalFileReader(fd, opened.size, start, options.signal);
      } catch (err) {
        closeSync(fd);
        throw err;
      }
    } catch (err) {
      throw mapFsError(err, 'read', path);
    }
  }

  write(path: VirtualPath, source: WriteSource, options: WriteOptions): Promise<WriteResult> {
    return writeLocalFile(this.resolver, path, source, options, { hiddenStores: this.hiddenStores, fileMode: this.fileMode });
  }

  async mkdir(path: VirtualPath): Promise<void> {
    const { name, hostPath } = await this.resolver.parent(path);
    if (name === '') throw new FerryError('ALREADY_EXISTS', 'mkdir of the root', { publicMessage: 'File exists' });
    await mkdir(hostPath, this.dirMode).catch(fsFailure('mkdir', path));
    await this.applyDirMode(hostPath);
  }

  async rmdir(path: VirtualPath): Promise<void> {
    const { name, hostPath } = await this.resolver.parent(path);
    if (name === '') throw new FerryError('PERMISSION_DENIED', 'rmdir of the root', { publicMessage: 'Cannot remove your home folder' });
    // rmdir(2) does not follow a final symlink: it fails with ENOTDIR.
    await rmdir(hostPath).catch(fsFailure('rmdir', path));
  }

  /** Files and symlinks only; a symlink is removed itself, never its target. */
  async remove(path: VirtualPath): Promise<void> {
    const { name, hostPath } = await this.resolver.parent(path);
    const fail = fsFailure('remove', path);
    if (name === '' || (await lstat(hostPath).catch(fail)).isDirectory()) {
      throw new FerryError('IS_A_DIRECTORY', `remove ${path}: is a directory`, { publicMessage: 'Is a directory' });
    }
    await unlink(hostPath).catch(fail);
  }

  /** POSIX rename semantics: an existing file at `to` is replaced; a symlink is moved itself. */
  async rename(from: VirtualPath, to: VirtualPath): Promise<void> {
    const source = await this.resolver.parent(from);
    const destination = await this.resolver.parent(to);
    if (source.name === '' || destination.name === '') {
      throw new FerryError('PERMISSION_DENIED', 'rename involving the root', { publicMessage: 'Cannot rename your home folder' });
    }
    const fail = fsFailure('rename', `${from} -> ${to}`);
    const sourceStat = await lstat(source.hostPath).catch(fail);
    if (destination.hostPath === source.hostPath) return;
    // source.hostPath is a real path here (real parent, final component not a link when it is a folder).
    const into = destination.realParent;
    if (sourceStat.isDirectory() && (into === source.hostPath || into.startsWith(source.hostPath + sep))) {
      throw new FerryError('BAD_ARGUMENT', `rename ${from} into itself`, { publicMessage: 'Cannot move a folder into itself' });
    }
    await rename(source.hostPath, destination.hostPath).catch(fail);
  }

  async setModified(path: VirtualPath, mtime: Date): Promise<void> {
    if (!(mtime instanceof Date) || Number.isNaN(mtime.getTime())) {
      throw new FerryError('BAD_ARGUMENT', `${path}: invalid modification time`, { publicMessage: 'Invalid modification time' });
    }
    const target = await this.resolver.target(path);
    await utimes(target.realPath, target.stat.atime, mtime).catch(fsFailure('setModified', path));
  }

  /** Permission bits only (mode & 0o777); symlinks and the root are refused. */
  async chmod(path: VirtualPath, mode: number): Promise<void> {
    if (!Number.isInteger(mode) || mode < 0) throw new FerryError('BAD_ARGUMENT', `${path}: invalid mode`, { publicMessage: 'Invalid mode' });
    const { name, hostPath } = await this.resolver.parent(path);
    if (name === '') throw new FerryError('PERMISSION_DENIED', 'chmod of the root', { publicMessage: 'Cannot change your home folder' });
    const fail = fsFailure('chmod', path);
    if ((await lstat(hostPath).catch(fail)).isSymbolicLink()) {
      throw new FerryError('PERMISSION_DENIED', `chmod ${path}: symlink`, { publicMessage: 'Cannot change the mode of a symbolic link' });
    }
    await chmod(hostPath, mode & 0o777).catch(fail);
  }

  /** After open, the file must still be the one a fresh realpath inside the root leads to. */
  private assertOpenedInside(realPath: string, opened: Stats, path: VirtualPath): void {
    const again = realpathSync.native(realPath);
    this.resolver.assertInside(again, path);
    const current = statSync(again);
    if (current.dev !== opened.dev || current.ino !== opened.ino) throw outsideRootError(path);
  }

  /**
   * mkdir's mode passes through the process umask too; set ours exactly. Opened with O_NOFOLLOW so
   * a symlink swapped in after mkdir is never chmod'ed. Best effort: the folder exists either way.
   */
  private async applyDirMode(hostPath: string): Promise<void> {
    const handle = await open(hostPath, constants.O_RDONLY | O_DIRECTORY | O_NOFOLLOW).catch(() => undefined);
    if (handle === undefined) return;
    await handle.chmod(this.dirMode).catch(() => {});
    await handle.close().catch(() => {});
  }
}

function assertRegularFile(stats: Stats, path: VirtualPath): void {
  if (stats.isFile()) return;
  if (stats.isDirectory()) throw new FerryError('IS_A_DIRECTORY', `read ${path}: is a directory`, { publicMessage: 'Is a directory' });
  throw new FerryError('PERMISSION_DENIED', `read ${path}: not a regular file`, { publicMessage: 'Not a regular file' });
}
