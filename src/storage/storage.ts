// The storage contract every backend implements (local disk now, object stores later).
// Paths are VirtualPaths; backends map them to their own namespace and throw FerryErrors.
import type { LineFormat } from '../listing/line-format.js';
import type { VirtualPath } from './virtual-path.js';

export type EntryType = 'file' | 'dir' | 'symlink' | 'other';

export interface FileStat {
  /** Base name ('' for the root). */
  name: string;
  type: EntryType;
  size: number;
  mtime: Date;
  /** POSIX permission bits (0o777 part), for LIST and MLSD's UNIX.mode; 0 where unknown. */
  mode: number;
  /** Stable identity for MLSD's `unique` fact (device + inode locally). */
  unique?: string;
  /** For a symlink: where it points, as stored (LIST shows `name -> target`). */
  linkTarget?: string;
}

/**
 * How a write treats an existing file:
 * - create: fail with ALREADY_EXISTS if it exists (STOU, and STOR when overwriting is off)
 * - replace: whole new content; with atomic uploads the old file stays intact until the new one is complete
 * - append: add at the end (APPE)
 * - resume: keep the first `start` bytes, write from there (REST + STOR)
 */
export type WriteMode = 'create' | 'replace' | 'append' | 'resume';

/**
 * An open file being downloaded. Transfers pull bytes into their own reused buffers (`readInto`), so
 * a download allocates nothing per chunk; iterating yields fresh buffers for everything else.
 */
export interface FileReader extends AsyncIterable<Buffer> {
  /** Size of the file when it was opened. */
  readonly size: number;
  /**
   * Read the next bytes into `buffer`. Fills it whole except at the end of the file, so a short count
   * means the end was reached (0 when nothing was left). Rejects once the signal aborts.
   */
  readInto(buffer: Buffer): Promise<number>;
  /** Release the file; safe to call more than once. */
  close(): Promise<void>;
  /**
   * Optional (local files): the open host descriptor and the offset the next read starts at, so a
   * plain download can hand the file to the kernel (sendfile). Undefined once closing.
   */
  readonly descriptor?: { fd: number; position: number };
}

export interface ReadOptions {
  start?: number;
  signal?: AbortSignal;
}

/**
 * What a write consumes: chunks, each written before the next is asked for. A source may also move
 * its bytes into an open host file itself (`receiveInto`: a plain upload, received on a thread of its
 * own); a backend that writes to a local descriptor calls that instead of iterating.
 */
export interface WriteSource extends AsyncIterable<Uint8Array> {
  /**
   * Write everything into `fd`, from `position` (undefined: at the descriptor's offset); resolves
   * with the bytes written, rejects as iterating would (what arrived before stays in the file).
   */
  receiveInto?(fd: number, position: number | undefined): Promise<number>;
}

export interface WriteOptions {
  mode: WriteMode;
  /** Offset for `resume`. */
  start?: number;
  signal?: AbortSignal;
  /**
   * When the upload fails: false (default) leaves the storage as it was before (new file removed,
   * appended bytes cut off); true keeps what arrived so the client can resume. Either way an existing
   * file is never replaced by a partial one.
   */
  keepPartial?: boolean;
}

export interface WriteResult {
  /** Bytes taken from the source. */
  bytes: number;
}

export interface StorageCapabilities {
  append: boolean;
  resumeUpload: boolean;
  /** Uploads become visible only when complete (hidden stores). */
  atomicUpload: boolean;
  setModified: boolean;
  chmod: boolean;
}

export interface Storage {
  readonly capabilities: StorageCapabilities;
  stat(path: VirtualPath): Promise<FileStat>;
  /**
   * Entries of a directory in batches (a few hundred at a time), streamed: never the whole listing in
   * memory. A path to a file gives that file's entry.
   */
  list(path: VirtualPath): AsyncIterable<FileStat[]>;
  /**
   * Optional: a directory's listing as lines (each with its CRLF, UTF-8), in chunks: `list`'s entries
   * formatted by createLineFormatter(format), by the backend itself (the local one on its listing
   * threads, beside the lstat calls). Without it, commands format what `list` yields.
   */
  listLines?(path: VirtualPath, format: LineFormat): AsyncIterable<Uint8Array>;
  /** Open a regular file for reading (from `start`); open errors (NOT_FOUND, IS_A_DIRECTORY...) reject here. */
  read(path: VirtualPath, options?: ReadOptions): Promise<FileReader>;
  /**
   * Consume `source` into `path`. A chunk may be refilled by the source once the next one is asked
   * for, so each is written before the next is requested. Rejects if the source errors or the signal
   * aborts; see `keepPartial`.
   */
  write(path: VirtualPath, source: WriteSource, options: WriteOptions): Promise<WriteResult>;
  mkdir(path: VirtualPath): Promise<void>;
  rmdir(path: VirtualPath): Promise<void>;
  remove(path: VirtualPath): Promise<void>;
  rename(from: VirtualPath, to: VirtualPath): Promise<void>;
  setModified?(path: VirtualPath, mtime: Date): Promise<void>;
  chmod?(path: VirtualPath, mode: number): Promise<void>;
}
