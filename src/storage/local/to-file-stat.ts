// Converts Node Stats into the protocol-neutral FileStat the listing and MLST code consume.
import type { Stats } from 'node:fs';
import type { EntryType, FileStat } from '../storage.js';
import type { RawEntry } from './stat-worker.js';

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
    // dev + inode: stable for the life of the file, which is what MLSD's `unique` fact asks for.
    unique: `${entry.dev.toString(16)}.${entry.ino.toString(16)}`,
  };
}
