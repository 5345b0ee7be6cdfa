// Streams a host folder as FileStats (opendir, never the whole folder in memory) and builds the
// listing entry for one name, presenting symlinks without ever exposing what lies outside the root.
import { lstat, opendir, readlink, realpath, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { FileStat } from '../storage.js';
import type { VirtualPath } from '../virtual-path.js';
import { HIDDEN_STORE_PREFIX, type HostPathResolver } from './host-path-resolver.js';
import { errnoOf, fsFailure } from './map-fs-error.js';
import { toFileStat } from './to-file-stat.js';

/** Entries stat'ed concurrently: enough to hide syscall latency, small enough to keep memory flat. */
const STAT_BATCH = 64;

/**
 * The listing entry for `name` in the real folder `dir`, or undefined if it vanished meanwhile.
 * A symlink stays a 'symlink' entry with its own lstat data; its size is the target's when the
 * target exists inside the root, else 0. Its linkTarget is only shown when it points inside.
 */
export async function listingEntry(resolver: HostPathResolver, dir: string, name: string, path: VirtualPath): Promise<FileStat | undefined> {
  const hostPath = join(dir, name);
  let stats;
  try {
    stats = await lstat(hostPath);
  } catch (err) {
    if (errnoOf(err) === 'ENOENT') return undefined;
    return fsFailure('list', path)(err);
  }
  const entry = toFileStat(name, stats);
  if (!stats.isSymbolicLink()) return entry;
  entry.size = 0;
  try {
    const stored = await readlink(hostPath);
    const shown = resolver.displayLinkTarget(dir, stored);
    if (shown !== undefined) entry.linkTarget = shown;
    const real = await realpath(hostPath);
    if (resolver.isInside(real)) entry.size = (await stat(real)).size;
  } catch {
    // Dangling, looping or unreadable links are listed as they are: a link of size 0.
  }
  return entry;
}

/** Yield every entry of the real folder `dir`, skipping the backend's own temporary files. */
export async function* listDirectory(resolver: HostPathResolver, dir: string, path: VirtualPath): AsyncGenerator<FileStat> {
  const handle = await opendir(dir, { bufferSize: STAT_BATCH }).catch(fsFailure('list', path));
  try {
    let done = false;
    while (!done) {
      const names: string[] = [];
      while (names.length < STAT_BATCH) {
        const dirent = await handle.read().catch(fsFailure('list', path));
        if (dirent === null) {
          done = true;
          break;
        }
        if (!dirent.name.startsWith(HIDDEN_STORE_PREFIX)) names.push(dirent.name);
      }
      const entries = await Promise.all(names.map((name) => listingEntry(resolver, dir, name, path)));
      for (const entry of entries) if (entry !== undefined) yield entry;
    }
  } finally {
    // Also runs when the consumer stops early (break / return()), so the handle never leaks.
    await handle.close().catch(() => {});
  }
}
