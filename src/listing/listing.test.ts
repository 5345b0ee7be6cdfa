import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { FileStat } from '../storage/storage.js';
import { createLineFormatter, lineEntryOf } from './line-format.js';
import { parseListArgument } from './list-format.js';
import { formatFacts, formatTimeVal, mlsdFormat, mlstFeatLine, parseMlstOpts, permFact, DEFAULT_MLST_FACTS, MLST_FACTS } from './mlsx-facts.js';
import { PERMISSION_PRESETS } from '../config/schema.js';

const now = Date.UTC(2026, 10, 25, 12, 0, 0);
const file: FileStat = { name: 'report.pdf', type: 'file', size: 1234, mtime: new Date(Date.UTC(2026, 10, 20, 8, 5)), mode: 0o644, unique: '801.2a' };
const formatListLine = (stat: FileStat, owner: string, at: number): string => `${createLineFormatter({ kind: 'list', owner, now: at })(lineEntryOf(stat))}\r\n`;
const dir: FileStat = { name: 'docs', type: 'dir', size: 4096, mtime: new Date(Date.UTC(2024, 0, 2)), mode: 0o755 };

test('LIST lines in ls -l form: recent files show the time, old ones the year', () => {
  assert.equal(formatListLine(file, 'alice', now), '-rw-r--r-- 1 alice alice         1234 Nov 20 08:05 report.pdf\r\n');
  assert.equal(formatListLine(dir, 'alice', now), 'drwxr-xr-x 1 alice alice         4096 Jan  2  2024 docs\r\n');
  const link: FileStat = { ...file, type: 'symlink', name: 'l', linkTarget: 'report.pdf', mode: 0o777 };
  assert.match(formatListLine(link, 'a', now), /^lrwxrwxrwx .* l -> report\.pdf\r\n$/);
});

test('LIST dates stay right as time passes (a formatter reuses dates by minute)', () => {
  const day = 24 * 3600 * 1000;
  const at = (mtime: number, when: number): string => / (\w{3} [ \d]\d (?:\d\d:\d\d| \d{4})) /.exec(formatListLine({ ...file, mtime: new Date(mtime) }, 'a', when))![1]!;
  const t = Date.UTC(2026, 5, 20, 8, 5, 30);
  assert.equal(at(t, now), 'Jun 20 08:05');
  assert.equal(at(t + 20_000, now), 'Jun 20 08:05', 'same minute, other second');
  assert.equal(at(t, now + 3 * day), 'Jun 20 08:05');
  assert.equal(at(t, now + 30 * day), 'Jun 20  2026', 'over six months old a month later');
  assert.equal(at(t, now), 'Jun 20 08:05', 'and back');
  for (let hours = 0; hours < 72; hours += 7) {
    const when = t + 182 * day + (hours - 36) * 3600 * 1000;
    assert.equal(at(t, when), hours - 36 < 0 ? 'Jun 20 08:05' : 'Jun 20  2026', `${hours - 36} h around the cut-off`);
  }
});

test('LIST flags are tolerated', () => {
  assert.deepEqual(parseListArgument('-la'), { path: '', all: true });
  assert.deepEqual(parseListArgument('-l sub dir'), { path: 'sub dir', all: false });
  assert.deepEqual(parseListArgument('folder'), { path: 'folder', all: false });
});

test('MLSD facts (RFC 3659 7)', () => {
  const full = PERMISSION_PRESETS.full;
  assert.equal(formatTimeVal(file.mtime), '20261120080500');
  assert.equal(formatFacts(file, file.name, DEFAULT_MLST_FACTS, new Set(full)), 'type=file;size=1234;modify=20261120080500;perm=adfrw;unique=801.2a; report.pdf');
  assert.equal(formatFacts(dir, 'docs', DEFAULT_MLST_FACTS, new Set(PERMISSION_PRESETS['read-only'])), 'type=dir;modify=20240102000000;perm=el; docs');
  assert.equal(permFact('dir', new Set(full)), 'cdeflmp');
  assert.equal(mlstFeatLine(), 'MLST type*;size*;modify*;perm*;unique*;UNIX.mode;');
  assert.deepEqual([...parseMlstOpts('type;size;bogus;')], ['type', 'size']);
});

test('createLineFormatter works from its source text alone, as the listing threads run it', () => {
  // `__name`: the helper tsx (esbuild's keepNames) wraps named inner functions in; the worker defines it too.
  const rebuilt = new Function('__name', `return ${createLineFormatter.toString()}`)((target: unknown) => target) as typeof createLineFormatter;
  const other: FileStat = { ...file, name: 'fifo', type: 'other', mode: 0 };
  const formats = [{ kind: 'list', owner: 'bob', now } as const, { kind: 'nlst' } as const, mlsdFormat(new Set(MLST_FACTS), new Set(PERMISSION_PRESETS.full))];
  for (const format of formats) {
    for (const stat of [file, dir, other]) assert.equal(rebuilt(format)(lineEntryOf(stat)), createLineFormatter(format)(lineEntryOf(stat)), `${format.kind} ${stat.name}`);
  }
  assert.equal(rebuilt(formats[2]!)(lineEntryOf(dir, '.'), 'cdir'), 'type=cdir;modify=20240102000000;perm=cdeflmp;UNIX.mode=0755; .');
});
