// Streams a host folder as FileStats (opendir, never the whole folder in memory) and builds the
// listing entry for one name, presenting symlinks without ever exposing what lies outside the root.
import { lstatSync } from 'node:fs';
import { lstat, opendir, readlink, realpath, stat } from 'node:fs/promises';
import { setImmediate as yieldToEventLoop } from 'node:timers/promises';
import { join } from 'node:path';
import type { FileStat } from '../storage.js';
import type { VirtualPath } from '../virtual-path.js';
import { HIDDEN_STORE_PREFIX, type HostPathResolver } from './host-path-resolver.js';
import { errnoOf, fsFailure, mapFsError } from './map-fs-error.js';
import { toFileStat } from './to-file-stat.js';

/**
 * Entries read and stat'ed per batch. Plain entries are lstat'ed synchronously: a thread-pool round
 * trip per entry made a 50,000-entry listing five times slower than vsftpd's. A batch blocks the event
 * loop for well under a millisecond, and the loop gets a turn between batches.
 */
const STAT_BATCH = 256;

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

/** Yield every entry of the real folder `dir` in batches, skipping the backend's own temporary files. */
export async function* listDirectory(resolver: HostPathResolver, dir: string, path: VirtualPath): AsyncGenerator<FileStat[]> {
  const handle = await opendir(dir, { bufferSize: STAT_BATCH }).catch(fsFailure('list', path));
  try {
    let done = false;
    while (!done) {
      const batch: FileStat[] = [];
      const links: Promise<FileStat | undefined>[] = [];
      for (let n = 0; n < STAT_BATCH; n++) {
        let dirent;
        try {
          dirent = handle.readSync(); // from opendir's buffer; a synchronous getdents when it runs out
        } catch (err) {
          throw mapFsError(err, 'list', path);
        }
        if (dirent === null) {
          done = true;
          break;
        }
        const name = dirent.name;
        if (name.startsWith(HIDDEN_STORE_PREFIX)) continue;
        if (dirent.isSymbolicLink()) {
          links.push(listingEntry(resolver, dir, name, path));
          continue;
        }
        let stats;
        try {
          stats = lstatSync(join(dir, name), { throwIfNoEntry: false });
        } catch (err) {
          fsFailure('list', path)(err);
        }
        if (stats === undefined) continue; // vanished meanwhile
        // A name swapped for a symlink between readdir and lstat gets the careful treatment.
        if (stats.isSymbolicLink()) links.push(listingEntry(resolver, dir, name, path));
        else batch.push(toFileStat(name, stats));
      }
      for (const entry of await Promise.all(links)) if (entry !== undefined) batch.push(entry);
      if (batch.length > 0) yield batch;
      if (!done) await yieldToEventLoop();
    }
  } finally {
    // Also runs when the consumer stops early (break / return()), so the handle never leaks.
    await handle.close().catch(() => {});
  }
}
