// Streams a host folder as FileStats or as listing lines (opendir, never the whole folder in memory)
// and builds the listing entry for one name, presenting symlinks without ever exposing what lies
// outside the root.
import { lstat, readlink, realpath, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { createLineFormatter, lineEntryOf, type LineFormat, type LineFormatter } from '../../listing/line-format.js';
import type { FileStat } from '../storage.js';
import type { VirtualPath } from '../virtual-path.js';
import { HIDDEN_STORE_PREFIX, type HostPathResolver } from './host-path-resolver.js';
import { errnoOf, fsFailure, mapFsError } from './map-fs-error.js';
import { formatFolder, statFolder } from './listing-threads.js';
import { rawToFileStat, toFileStat } from './to-file-stat.js';

/**
 * Entries read and stat'ed per batch, on the listing threads (listing-threads.ts): a thread-pool
 * round trip per entry made a 50,000-entry listing five times slower than vsftpd's, and stat'ing
 * inline kept the main thread busy for most of it.
 */
const STAT_BATCH = 512;

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
  try {
    for await (const entries of statFolder(dir, STAT_BATCH)) {
      const batch: FileStat[] = [];
      const links: Promise<FileStat | undefined>[] = [];
      for (const entry of entries) {
        if (entry.name.startsWith(HIDDEN_STORE_PREFIX)) continue;
        // A link (or a name swapped for one between readdir and lstat) gets the careful treatment.
        if (entry.kind === 'symlink') links.push(listingEntry(resolver, dir, entry.name, path));
        else batch.push(rawToFileStat(entry));
      }
      for (const entry of await Promise.all(links)) if (entry !== undefined) batch.push(entry);
      if (batch.length > 0) yield batch;
    }
  } catch (err) {
    throw mapFsError(err, 'list', path);
  }
}

/**
 * The listing lines of the real folder `dir`, formatted on the listing threads; its links (shown only
 * as far as they stay inside the root) are formatted here, after the other lines of their batch.
 */
export async function* listDirectoryLines(resolver: HostPathResolver, dir: string, path: VirtualPath, format: LineFormat): AsyncGenerator<Uint8Array> {
  let line: LineFormatter | undefined;
  try {
    for await (const { lines, links } of formatFolder(dir, STAT_BATCH, format, HIDDEN_STORE_PREFIX)) {
      if (lines.length > 0) yield lines;
      if (links.length === 0) continue;
      line ??= createLineFormatter(format);
      let text = '';
      for (const entry of await Promise.all(links.map((name) => listingEntry(resolver, dir, name, path)))) if (entry !== undefined) text += `${line(lineEntryOf(entry))}\r\n`;
      if (text) yield Buffer.from(text, 'utf8');
    }
  } catch (err) {
    throw mapFsError(err, 'list', path);
  }
}
