// Turns users-file validation problems into "key path: what is wrong; what is allowed" lines,
// e.g. `users[2].permissions: invalid value; allowed: "full", "read-only", or a list of: ...`.
import type { z } from 'zod';
import { userRecordSchema, usersFileSchema } from '../config/schema.js';

type Issue = z.core.$ZodIssue;
type Key = PropertyKey;

/** `['users', 2, 'permissions']` -> `users[2].permissions`; the empty path is "top level". */
export function formatKeyPath(path: readonly Key[]): string {
  let out = '';
  for (const key of path) {
    if (typeof key === 'number') out += `[${key}]`;
    else out += out === '' ? String(key) : `.${String(key)}`;
  }
  return out === '' ? 'top level' : out;
}

// The schema whose keys live at `path`: the file itself, or one user record.
function objectShapeAt(path: readonly Key[]): Record<string, z.ZodType> | undefined {
  if (path.length === 0) return usersFileSchema.shape;
  if (path.length === 2 && path[0] === 'users' && typeof path[1] === 'number') return userRecordSchema.shape;
  return undefined;
}

function describeField(path: readonly Key[]): string | undefined {
  const shape = objectShapeAt(path.slice(0, -1));
  const key = path[path.length - 1];
  return shape && typeof key === 'string' ? shape[key]?.description : undefined;
}

function depth(issues: readonly Issue[]): number {
  return Math.max(0, ...issues.map((i) => i.path.length));
}

function describeIssue(issue: Issue, prefix: readonly Key[]): string {
  const path = [...prefix, ...issue.path];
  const where = formatKeyPath(path);
  switch (issue.code) {
    case 'invalid_union': {
      // The branch that got furthest names the real problem (permissions: [read, fly] -> permissions[1]).
      const best = [...issue.errors].sort((a, b) => depth(b) - depth(a))[0];
      const inner = best?.find((i) => i.path.length > 0);
      if (inner) return describeIssue(inner, path);
      const allowed = describeField(path);
      return `${where}: invalid value${allowed ? `; allowed: ${allowed}` : ''}`;
    }
    case 'unrecognized_keys': {
      const shape = objectShapeAt(path);
      const keys = issue.keys.map((k) => `"${k}"`).join(', ');
      const allowed = shape ? `; allowed keys: ${Object.keys(shape).join(', ')}` : '';
      return `${where}: unknown key${issue.keys.length > 1 ? 's' : ''} ${keys}${allowed}`;
    }
    case 'invalid_format':
      // Our formats carry a custom message that already says what is allowed.
      return `${where}: invalid value; allowed: ${issue.message}`;
    default:
      return `${where}: ${issue.message}`;
  }
}

/** One line per problem, each starting with the key path. Values are never echoed (they may be hashes). */
export function describeUsersFileIssues(issues: readonly Issue[]): string[] {
  return issues.map((issue) => describeIssue(issue, []));
}

/**
 * Lines for user names listed more than once. Names differing only in case count as duplicates:
 * "Bob" and "bob" as two accounts would confuse every admin who reads a log.
 */
export function findDuplicateUsers(users: readonly { name: string }[]): string[] {
  const seen = new Map<string, number>();
  const problems: string[] = [];
  users.forEach((user, index) => {
    const key = user.name.toLowerCase();
    const first = seen.get(key);
    if (first === undefined) seen.set(key, index);
    else
      problems.push(
        `users[${index}].name: user "${user.name}" is already defined at users[${first}] (names must be unique, ignoring case)`,
      );
  });
  return problems;
}
