// Machine-readable listings (RFC 3659 section 7): MLSD lines and MLST facts.
// Facts: type, size, modify, perm, unique (and UNIX.mode); OPTS MLST selects which are shown.
import type { Permission } from '../config/schema.js';
import type { FileStat } from '../storage/storage.js';
import { createLineFormatter, lineEntryOf, type LineFormat } from './line-format.js';

export const MLST_FACTS = ['type', 'size', 'modify', 'perm', 'unique', 'unix.mode'] as const;
export type MlstFact = (typeof MLST_FACTS)[number];
export const DEFAULT_MLST_FACTS: ReadonlySet<MlstFact> = new Set(['type', 'size', 'modify', 'perm', 'unique']);

/** RFC 3659 2.3 time-val: YYYYMMDDHHMMSS in UTC. */
export function formatTimeVal(date: Date): string {
  const p = (n: number, w = 2) => String(n).padStart(w, '0');
  return (
    p(date.getUTCFullYear(), 4) + p(date.getUTCMonth() + 1) + p(date.getUTCDate()) +
    p(date.getUTCHours()) + p(date.getUTCMinutes()) + p(date.getUTCSeconds())
  );
}

/** RFC 3659 7.5.5 perm fact, derived from the user's permissions (not the host file mode). */
export function permFact(type: FileStat['type'], perms: ReadonlySet<Permission>): string {
  let out = '';
  if (type === 'dir') {
    if (perms.has('write')) out += 'c';
    if (perms.has('rmdir')) out += 'd';
    out += 'e';
    if (perms.has('rename')) out += 'f';
    if (perms.has('list')) out += 'l';
    if (perms.has('mkdir')) out += 'm';
    if (perms.has('delete')) out += 'p';
  } else {
    if (perms.has('write')) out += 'a';
    if (perms.has('delete')) out += 'd';
    if (perms.has('rename')) out += 'f';
    if (perms.has('read')) out += 'r';
    if (perms.has('write')) out += 'w';
  }
  return out;
}

/** What createLineFormatter needs for MLSD/MLST lines with these facts, for a user with these permissions. */
export function mlsdFormat(facts: ReadonlySet<MlstFact>, perms: ReadonlySet<Permission>): LineFormat {
  return { kind: 'mlsd', facts: [...facts], perm: { dir: permFact('dir', perms), file: permFact('file', perms) } };
}

/** Facts followed by a space and the name, without CRLF (RFC 3659 7.2), for one entry (MLST). */
export function formatFacts(
  stat: FileStat,
  name: string,
  facts: ReadonlySet<MlstFact>,
  perms: ReadonlySet<Permission>,
  typeOverride?: 'cdir' | 'pdir',
): string {
  return createLineFormatter(mlsdFormat(facts, perms))(lineEntryOf(stat, name), typeOverride);
}

/** The FEAT line: every fact, the default ones marked with '*' (RFC 3659 7.8). */
export function mlstFeatLine(selected: ReadonlySet<MlstFact> = DEFAULT_MLST_FACTS): string {
  const names: Record<MlstFact, string> = { type: 'type', size: 'size', modify: 'modify', perm: 'perm', unique: 'unique', 'unix.mode': 'UNIX.mode' };
  return 'MLST ' + MLST_FACTS.map((f) => `${names[f]}${selected.has(f) ? '*' : ''};`).join('');
}

/** OPTS MLST fact;list; -> the recognised facts (unknown ones are ignored, RFC 3659 7.9). */
export function parseMlstOpts(arg: string): Set<MlstFact> {
  const out = new Set<MlstFact>();
  for (const raw of arg.split(';')) {
    const f = raw.trim().toLowerCase() as MlstFact;
    if ((MLST_FACTS as readonly string[]).includes(f)) out.add(f);
  }
  return out;
}
