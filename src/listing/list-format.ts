// Formats directory entries for LIST in the `ls -l` style that FileZilla, WinSCP, lftp and curl parse
// (RFC 959 leaves LIST's format open; this is the de-facto UNIX form), and names for NLST.
import type { FileStat } from '../storage/storage.js';

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const SIX_MONTHS_MS = 182 * 24 * 3600 * 1000;

function modeString(stat: FileStat): string {
  const kind = stat.type === 'dir' ? 'd' : stat.type === 'symlink' ? 'l' : '-';
  const bits = stat.mode & 0o777;
  let out = kind;
  for (const shift of [6, 3, 0]) {
    const triple = (bits >> shift) & 7;
    out += (triple & 4 ? 'r' : '-') + (triple & 2 ? 'w' : '-') + (triple & 1 ? 'x' : '-');
  }
  return out;
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

export function formatListLine(stat: FileStat, owner: string, now = Date.now()): string {
  const defaultMode = stat.type === 'dir' ? 0o755 : 0o644;
  const withMode = stat.mode ? stat: { ...stat, mode: defaultMode };
  const size = String(stat.size).padStart(12, ' ');
  const name = stat.type === 'symlink' && stat.linkTarget ? `${stat.name} -> ${stat.linkTarget}` : stat.name;
  return `${modeString(withMode)} 1 ${owner} ${owner} ${size} ${dateString(stat.mtime, now)} ${name}\r\n`;
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
