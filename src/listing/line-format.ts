// One listing line per entry, in each listing form: LIST (`ls -l`, the de-facto UNIX form FileZilla,
// WinSCP, lftp and curl parse; RFC 959 leaves it open), NLST (names) and MLSD/MLST facts (RFC 3659 7).
// createLineFormatter is self-contained (no imports at run time, no module state): the local
// backend's listing threads evaluate its source text, so a big folder is formatted beside its lstat.
import type { EntryType, FileStat } from '../storage/storage.js';

/** What a listing's lines need, as plain data (it is posted to the listing threads). */
export type LineFormat =
  | { kind: 'list'; owner: string; now: number }
  | { kind: 'nlst' }
  | {
      kind: 'mlsd';
      /** Fact names, as in MLST_FACTS. */
      facts: readonly string[];
      /** The perm fact of a folder and of a file, from the user's permissions (mlsx-facts permFact). */
      perm: { dir: string; file: string };
    };

/** One entry as the formatter reads it. */
export interface LineEntry {
  /** The name shown (a path for MLST). */
  name: string;
  type: EntryType;
  size: number;
  /** Modification time, whole milliseconds since the epoch. */
  mtimeMs: number;
  /** Permission bits (0o777 part); 0 where unknown. */
  mode: number;
  unique?: string;
  linkTarget?: string;
}

export type LineFormatter = (entry: LineEntry, typeOverride?: 'cdir' | 'pdir') => string;

export function lineEntryOf(stat: FileStat, name: string = stat.name): LineEntry {
  return { name, type: stat.type, size: stat.size, mtimeMs: stat.mtime.getTime(), mode: stat.mode, unique: stat.unique, linkTarget: stat.linkTarget };
}

/** A formatter for one listing: lines without their CRLF. Its caches live as long as it does. */
export function createLineFormatter(format: LineFormat): LineFormatter {
  // Everything it uses is declared in here (see the file comment).
  const MINUTE_MS = 60_000;
  const SIX_MONTHS_MS = 182 * 24 * 3600 * 1000;
  const DAY_MS = 24 * 3600 * 1000;
  const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
  const CACHED = 1024;
  const pad2 = (n: number): string => (n < 10 ? '0' : '') + n;
  /** Text by minute: the files of one folder often share their minutes, and Date getters are not free. */
  const byMinute = (text: (minuteStart: Date) => string): ((ms: number) => string) => {
    const cache = new Map<number, string>();
    return (ms) => {
      const minute = Math.floor(ms / MINUTE_MS);
      let out = cache.get(minute);
      if (out === undefined) {
        if (cache.size >= CACHED) cache.clear();
        out = text(new Date(minute * MINUTE_MS));
        cache.set(minute, out);
      }
      return out;
    };
  };

  if (format.kind === 'nlst') return (entry) => entry.name;

  if (format.kind === 'mlsd') {
    const has = new Set(format.facts);
    const [type, size, modify, perm, unique, unixMode] = ['type', 'size', 'modify', 'perm', 'unique', 'unix.mode'].map((f) => has.has(f));
    // RFC 3659 2.3 time-val, YYYYMMDDHHMMSS in UTC: the minute's part cached, the seconds added.
    const minuteOf = byMinute(
      (d) => String(d.getUTCFullYear()).padStart(4, '0') + pad2(d.getUTCMonth() + 1) + pad2(d.getUTCDate()) + pad2(d.getUTCHours()) + pad2(d.getUTCMinutes()),
    );
    const timeVal = (ms: number): string => minuteOf(ms) + pad2(Math.floor(ms / 1000) - Math.floor(ms / MINUTE_MS) * 60);
    return (entry, typeOverride) => {
      let out = '';
      if (type) out += `type=${typeOverride ?? (entry.type === 'dir' ? 'dir' : entry.type === 'other' ? 'OS.unix=other' : 'file')};`;
      if (size && entry.type !== 'dir') out += `size=${entry.size};`;
      if (modify) out += `modify=${timeVal(entry.mtimeMs)};`;
      if (perm) out += `perm=${entry.type === 'dir' ? format.perm.dir : format.perm.file};`;
      if (unique && entry.unique) out += `unique=${entry.unique};`;
      if (unixMode) out += `UNIX.mode=0${(entry.mode & 0o777).toString(8)};`;
      return `${out} ${entry.name}`;
    };
  }

  const { owner, now } = format;
  /** `ls -l` date: "Nov 25 12:15" within six months of now, else "Nov 25  2024" (UTC, as most servers). */
  const dateText = (mtime: Date, exactMs: number): string => {
    const day = `${MONTHS[mtime.getUTCMonth()]} ${String(mtime.getUTCDate()).padStart(2, ' ')}`;
    return Math.abs(now - exactMs) < SIX_MONTHS_MS ? `${day} ${pad2(mtime.getUTCHours())}:${pad2(mtime.getUTCMinutes())}` : `${day}  ${mtime.getUTCFullYear()}`;
  };
  const minuteDate = byMinute((start) => dateText(start, start.getTime()));
  /** "-rw-r--r-- 1 owner owner " by type and mode. */
  const heads = new Map<number, string>();
  const headOf = (kind: number, mode: number): string => {
    const key = kind * 0o1000 + mode;
    let head = heads.get(key);
    if (head === undefined) {
      head = kind === 1 ? 'd' : kind === 2 ? 'l' : '-';
      for (const shift of [6, 3, 0]) {
        const bits = (mode >> shift) & 7;
        head += (bits & 4 ? 'r' : '-') + (bits & 2 ? 'w' : '-') + (bits & 1 ? 'x' : '-');
      }
      head += ` 1 ${owner} ${owner} `;
      heads.set(key, head);
    }
    return head;
  };
  return (entry) => {
    const kind = entry.type === 'dir' ? 1 : entry.type === 'symlink' ? 2 : 0;
    const mode = (entry.mode || (kind === 1 ? 0o755 : 0o644)) & 0o777;
    // Which form a date takes depends on its exact age: near the six-month cut-off, not by minute.
    const age = Math.abs(now - entry.mtimeMs);
    const date = age > SIX_MONTHS_MS - 2 * DAY_MS && age < SIX_MONTHS_MS + 2 * DAY_MS ? dateText(new Date(entry.mtimeMs), entry.mtimeMs) : minuteDate(entry.mtimeMs);
    const name = kind === 2 && entry.linkTarget ? `${entry.name} -> ${entry.linkTarget}` : entry.name;
    return `${headOf(kind, mode)}${String(entry.size).padStart(12, ' ')} ${date} ${name}`;
  };
}
