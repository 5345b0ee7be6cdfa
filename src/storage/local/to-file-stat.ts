// Converts Node Stats into the protocol-neutral FileStat the listing and MLST code consume.
import type { Stats } from 'node:fs';
import type { EntryType, FileStat } from '../storage.js';
import type { RawEntry } from './listing-threads.js';

export function entryTypeOf(stats: Stats): EntryType {
  if (stats.isFile()) return 'file';
  if (stats.isDirectory()) return 'dir';
  if (stats.isSymbolicLink()) return 'symlink';
  return 'other';
}

export function toFileStat(name: string, stats: Stats): FileStat {
  return rawToFileStat({ name, kind: entryTypeOf(stats), size: stats.size, mtimeMs: stats.mtimeMs, mode: stats.mode, dev: stats.dev, ino: stats.ino });
}

/** The same from the listing worker's numbers (lstat data of anything but a symlink). */
export function rawToFileStat(entry: RawEntry): FileStat {
  return {
    name: entry.name,
    type: entry.kind,
    size: entry.size,
    mtime: new Date(Math.round(entry.mtimeMs)), // as Node rounds Stats.mtime
    mode: entry.mode & 0o777,
    unique: uniqueOf(entry.dev, entry.ino),
  };
}

/**
 * MLSD's `unique` fact: device + inode, stable for the life of the file, which is what the fact asks
 * for. Self-contained: the listing threads run its source text.
 */
export function uniqueOf(dev: number, ino: number): string {
  return `${dev.toString(16)}.${ino.toString(16)}`;
}
