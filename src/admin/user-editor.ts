// Edits one FTP account's settings (home, permissions, TLS override, session reuse, enabled) in the
// users file, keeping the admin's comments; the result is validated like the server validates it and
// written atomically with mode 0600. Adding, removing and passwords use src/auth/users-file.ts.
import { readFile } from 'node:fs/promises';
import YAML from 'yaml';
import { parseUsersFile } from '../auth/users-file.js';
import { resolveHome } from '../auth/user-store.js';
import { userRecordSchema, type UserRecord } from '../config/schema.js';
import { FerryError } from '../errors/ferry-error.js';
import { writeFileAtomic } from '../config/write-file-atomic.js';
import type { AuditChange } from './audit-log.js';

export interface UserUpdate {
  /** Home folder; undefined: the default (the user name). */
  home: string | undefined;
  permissions: UserRecord['permissions'];
  tls: UserRecord['tls'];
  /** undefined: follow tls.requireSessionReuse. */
  requireSessionReuse: boolean | undefined;
  enabled: boolean;
}

/** Rejects homes that leave storage.root (absolute homes are the admin's explicit choice). */
export function checkHome(storageRoot: string, home: string | undefined): string | undefined {
  if (home === undefined) return undefined;
  if (home.includes('\0')) return 'The folder name must not contain NUL characters';
  return resolveHome(storageRoot, home) === undefined ? 'The home folder must be inside storage.root (or an absolute path)' : undefined;
}

/** Applies `update` to the account `name`; returns what changed (nothing secret is involved). */
export async function updateUser(file: string, storageRoot: string, name: string, update: UserUpdate): Promise<AuditChange[]> {
  const homeProblem = checkHome(storageRoot, update.home);
  if (homeProblem) throw new FerryError('BAD_ARGUMENT', homeProblem);
  if (!userRecordSchema.shape.permissions.safeParse(update.permissions).success) throw new FerryError('BAD_ARGUMENT', 'Invalid permissions');
  const text = await readFile(file, 'utf8');
  const { users } = parseUsersFile(file, text);
  const index = users.findIndex((u) => u.name === name);
  if (index < 0) throw new FerryError('NOT_FOUND', `no user named "${name}"`);
  const before = users[index]!;
  const doc = YAML.parseDocument(text);
  const changes: AuditChange[] = [];
  const set = (key: keyof UserUpdate, old: unknown, value: unknown) => {
    if (JSON.stringify(old) === JSON.stringify(value)) return;
    changes.push({ key, old, new: value });
    if (value === undefined) doc.deleteIn(['users', index, key]);
    else doc.setIn(['users', index, key], doc.createNode(value));
  };
  set('home', before.home, update.home);
  set('permissions', before.permissions, update.permissions);
  set('tls', before.tls, update.tls);
  set('requireSessionReuse', before.requireSessionReuse, update.requireSessionReuse);
  set('enabled', before.enabled, update.enabled);
  if (changes.length === 0) return [];
  const next = doc.toString();
  parseUsersFile(file, next); // never write a file the server would refuse
  await writeFileAtomic(file, next);
  return changes;
}
