// Converts Node Stats into the protocol-neutral FileStat the listing and MLST code consume.
import type { Stats } from 'node:fs';
import type { EntryType, FileStat } from '../storage.js';

export function entryTypeOf(stats: Stats): EntryType {
  if (stats.isFile()) return 'file';
  if (stats.isDirectory()) return 'dir';
  if (stats.isSymbolicLink()) return 'symlink';
  return 'other';
}

export function toFileStat(name: string, stats: Stats): FileStat {
  return {
    name,
    type: entryTypeOf(stats),
    size: stats.size,
    mtime: stats.mtime,
    mode: stats.mode & 0o777,
    // dev + inode: stable for the life of the file, which is what MLSD's `unique` fact asks for.
    unique: `${stats.dev.toString(16)}.${stats.ino.toString(16)}`,
  };
}
