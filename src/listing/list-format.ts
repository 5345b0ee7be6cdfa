// Formats directory entries for LIST in the `ls -l` style that FileZilla, WinSCP, lftp and curl parse
// (RFC 959 leaves LIST's format open; this is the de-facto UNIX form), and names for NLST.
import type { FileStat } from '../storage/storage.js';

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const SIX_MONTHS_MS = 182 * 24 * 3600 * 1000;

/** "rwxr-xr-x" for each of the 512 permission values, built once: LIST formats tens of thousands of lines. */
const PERMISSIONS = Array.from({ length: 0o1000 }, (_, bits) => {
  let out = '';
  for (const shift of [6, 3, 0]) {
    const triple = (bits >> shift) & 7;
    out += (triple & 4 ? 'r' : '-') + (triple & 2 ? 'w' : '-') + (triple & 1 ? 'x' : '-');
  }
  return out;
});

function modeString(stat: FileStat, mode: number): string {
  const kind = stat.type === 'dir' ? 'd' : stat.type === 'symlink' ? 'l' : '-';
  return kind + PERMISSIONS[mode & 0o777]!;
}

/** `ls -l` date: "Nov 25 12:15" within six months of now, else "Nov 25  2024" (UTC, as most servers). */
function dateString(mtime: Date, now: number): string {
  const month = MONTHS[mtime.getUTCMonth()];
  const day = String(mtime.getUTCDate()).padStart(2, ' ');
  if (Math.abs(now - mtime.getTime()) < SIX_MONTHS_MS) {
    const hh = String(mtime.getUTCHours()).padStart(2, '0');
    const mm = String(mtime.getUTCMinutes()).padStart(2, '0');
    return `${month} ${day} ${hh}:${mm}`;
  }
  return `${month} ${day}  ${mtime.getUTCFullYear()}`;
}

/** Date strings by minute: the files of one folder often share their minutes, and the Date getters are not free. */
const recentDates = new Map<number, string>();
const RECENT_DATES = 1024;
const DAY_MS = 24 * 3600 * 1000;
let cachedOn = 0;

function cachedDateString(mtime: Date, now: number): string {
  // Which form a date takes depends on `now`: the cache lasts one day, and dates within a day of the
  // six-month cut-off are formatted afresh.
  const today = Math.floor(now / DAY_MS);
  if (today !== cachedOn) {
    recentDates.clear();
    cachedOn = today;
  }
  const minute = Math.floor(mtime.getTime() / 60_000);
  const age = Math.abs(now - minute * 60_000);
  if (age > SIX_MONTHS_MS - 2 * DAY_MS && age < SIX_MONTHS_MS + 2 * DAY_MS) return dateString(mtime, now);
  let text = recentDates.get(minute);
  if (text === undefined) {
    if (recentDates.size >= RECENT_DATES) recentDates.clear();
    text = dateString(mtime, now);
    recentDates.set(minute, text);
  }
  return text;
}

export function formatListLine(stat: FileStat, owner: string, now = Date.now()): string {
  const mode = stat.mode || (stat.type === 'dir' ? 0o755 : 0o644);
  const size = String(stat.size).padStart(12, ' ');
  const name = stat.type === 'symlink' && stat.linkTarget ? `${stat.name} -> ${stat.linkTarget}` : stat.name;
  return `${modeString(stat, mode)} 1 ${owner} ${owner} ${size} ${cachedDateString(stat.mtime, now)} ${name}\r\n`;
}

/**
 * LIST arguments often carry `ls` flags (`-a`, `-l`, `-la`) that clients send by habit. Returns the
 * path part with the flags removed, and whether hidden entries were asked for.
 */
export function parseListArgument(arg: string): { path: string; all: boolean } {
  let rest = arg.trim();
  let all = false;
  while (/^-[A-Za-z]+(\s|$)/.test(rest)) {
    const flag = rest.match(/^-[A-Za-z]+/)![0];
    if (flag.includes('a') || flag.includes('A')) all = true;
    rest = rest.slice(flag.length).trimStart();
  }
  return { path: rest, all };
}
