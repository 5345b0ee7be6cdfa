// Loads, validates and edits the users file (YAML, usersFileSchema). Edits keep the admin's comments
// and are written atomically with mode 0600, because the file holds password hashes.
import { promises as fs } from 'node:fs';
import path from 'node:path';
import YAML, { type Document } from 'yaml';
import { userRecordSchema, usersFileSchema, type UserRecord, type UsersFile } from '../config/schema.js';
import { writeFileAtomic } from '../config/write-file-atomic.js';
import { FerryError } from '../errors/ferry-error.js';
import { hashPassword } from './password-hash.js';
import { describeUsersFileIssues, findDuplicateUsers } from './users-file-issues.js';

const FILE_MODE = 0o600;

/** Names that mean an anonymous login; an account with one of them would shadow or be shadowed by it. */
export const ANONYMOUS_NAMES: readonly string[] = ['anonymous', 'ftp'];

const HEADER = [
  ' Ferry users file: one entry per FTP account. Manage it with `ferry user add|passwd|remove|list`;',
  ' a running server reloads it when it changes. Passwords are scrypt hashes, never plain text.',
  ' Per user: name, password, home (relative to storage.root; default: the name),',
  ' permissions ("full", "read-only" or a list), enabled, tls (inherit|optional|required).',
].join('\n');

function invalid(file: string, problems: readonly string[], cause?: unknown): FerryError {
  return new FerryError('CONFIG_INVALID', problems.map((p) => `${file}: ${p}`).join('\n'), { cause });
}

function validate(file: string, raw: unknown): UsersFile {
  // A file whose list was emptied by hand reads as `users:` (null): that means "no users", not an error.
  if (raw === null || raw === undefined) raw = {};
  if (typeof raw === 'object' && !Array.isArray(raw) && (raw as { users?: unknown }).users === null) {
    raw = { ...raw, users: [] };
  }
  const result = usersFileSchema.safeParse(raw);
  if (!result.success) throw invalid(file, describeUsersFileIssues(result.error.issues), result.error);
  const duplicates = findDuplicateUsers(result.data.users);
  if (duplicates.length > 0) throw invalid(file, duplicates);
  return result.data;
}

function parseDocument(file: string, text: string): { doc: Document; data: UsersFile } {
  const doc = YAML.parseDocument(text);
  if (doc.errors.length > 0) {
    // First line only: the rest is a snippet of the file, which may show password hashes.
    const first = doc.errors[0]!.message.split('\n')[0]!.replace(/:\s*$/, '');
    throw invalid(file, [`invalid YAML: ${first}`], doc.errors[0]);
  }
  return { doc, data: validate(file, doc.toJS()) };
}

/** Parses users-file text; `file` only names the source in error messages. */
export function parseUsersFile(file: string, text: string): UsersFile {
  return parseDocument(file, text).data;
}

async function readDocument(file: string): Promise<{ doc: Document | undefined; data: UsersFile }> {
  let text: string;
  try {
    text = await fs.readFile(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return { doc: undefined, data: { users: [] } };
    throw invalid(file, [`cannot read the users file: ${(err as Error).message}`], err);
  }
  return parseDocument(file, text);
}

/** Reads and validates the users file. A missing file means no users. Throws CONFIG_INVALID. */
export async function loadUsersFile(file: string): Promise<UsersFile> {
  return (await readDocument(file)).data;
}

/** Users files hold password hashes: written atomically (temp file + rename), mode 0600. */
function writeAtomically(file: string, content: string): Promise<void> {
  return writeFileAtomic(file, content, { mode: FILE_MODE });
}

function newDocument(data: UsersFile = { users: [] }): Document {
  const doc = new YAML.Document(data);
  doc.commentBefore = HEADER;
  return doc;
}

/** Replaces the users file with `data` (validated first), atomically and with mode 0600. */
export async function saveUsersFile(file: string, data: UsersFile): Promise<void> {
  await writeAtomically(file, newDocument(validate(file, data)).toString());
}

/** Reads the file as a document, lets `edit` change it, validates the result and writes it back. */
async function editUsersFile(file: string, edit: (doc: Document, users: readonly UserRecord[]) => void): Promise<void> {
  const { doc: existing, data } = await readDocument(file);
  const doc = existing ?? newDocument();
  if (!YAML.isMap(doc.contents)) doc.contents = doc.createNode({ users: [] }) as typeof doc.contents;
  if (!YAML.isSeq(doc.get('users'))) doc.set('users', doc.createNode([]));
  edit(doc, data.users);
  validate(file, doc.toJS()); // never write a file the server would refuse
  await writeAtomically(file, doc.toString());
}

function indexOfUser(file: string, users: readonly UserRecord[], name: string): number {
  const index = users.findIndex((u) => u.name === name);
  if (index >= 0) return index;
  const similar = users.find((u) => u.name.toLowerCase() === name.toLowerCase());
  const hint = similar ? ` (did you mean "${similar.name}"?)` : '';
  throw new FerryError('NOT_FOUND', `${file}: no user named "${name}"${hint}`);
}

function checkPassword(password: string): void {
  if (password.length === 0) throw new FerryError('BAD_ARGUMENT', 'the password must not be empty');
}

export interface AddUserOptions {
  name: string;
  /** Plain password; only its hash is stored. */
  password: string;
  /** Home folder, relative to storage.root (default: the user name) or absolute. */
  home?: string;
  permissions?: UserRecord['permissions'];
  tls?: UserRecord['tls'];
  /** Per-user override of tls.requireSessionReuse (clients that cannot resume TLS sessions). */
  requireSessionReuse?: boolean;
}

/** Adds an account. Refuses invalid or reserved names and names already taken (ignoring case). */
export async function addUser(file: string, options: AddUserOptions): Promise<void> {
  const { name, password, home, permissions, tls, requireSessionReuse } = options;
  const nameCheck = userRecordSchema.shape.name.safeParse(name);
  if (!nameCheck.success) {
    throw new FerryError('BAD_ARGUMENT', `invalid user name "${name}": ${nameCheck.error.issues[0]?.message}`);
  }
  if (ANONYMOUS_NAMES.includes(name.toLowerCase())) {
    throw new FerryError('BAD_ARGUMENT', `"${name}" is reserved for anonymous logins (users.anonymous in the config)`);
  }
  if (home !== undefined && (home === '' || (!path.isAbsolute(home) && path.normalize(home).split(/[\\/]/)[0] === '..'))) {
    throw new FerryError('BAD_ARGUMENT', `home "${home}" must be a folder inside storage.root or an absolute path`);
  }
  if (permissions !== undefined && !userRecordSchema.shape.permissions.safeParse(permissions).success) {
    throw new FerryError('BAD_ARGUMENT', `invalid permissions; allowed: ${userRecordSchema.shape.permissions.description}`);
  }
  checkPassword(password);
  const hash = await hashPassword(password);
  await editUsersFile(file, (doc, users) => {
    const taken = users.find((u) => u.name.toLowerCase() === name.toLowerCase());
    if (taken) throw new FerryError('ALREADY_EXISTS', `${file}: user "${taken.name}" already exists`);
    const record: Record<string, unknown> = { name, password: hash };
    if (home !== undefined) record.home = home;
    if (permissions !== undefined) record.permissions = permissions;
    if (tls !== undefined) record.tls = tls;
    if (requireSessionReuse !== undefined) record.requireSessionReuse = requireSessionReuse;
    doc.addIn(['users'], doc.createNode(record));
  });
}

/** Replaces a user's password hash. */
export async function setPassword(file: string, name: string, password: string): Promise<void> {
  checkPassword(password);
  const hash = await hashPassword(password);
  await editUsersFile(file, (doc, users) => {
    doc.setIn(['users', indexOfUser(file, users, name), 'password'], hash);
  });
}

/** Removes an account (its home folder stays: files are never deleted behind the admin's back). */
export async function removeUser(file: string, name: string): Promise<void> {
  await editUsersFile(file, (doc, users) => {
    doc.deleteIn(['users', indexOfUser(file, users, name)]);
  });
}

/** Enables or disables an account without losing its password. */
export async function setUserEnabled(file: string, name: string, enabled: boolean): Promise<void> {
  await editUsersFile(file, (doc, users) => {
    doc.setIn(['users', indexOfUser(file, users, name), 'enabled'], enabled);
  });
}

/** A user as shown to the admin: everything but the password hash. */
export type UserSummary = Omit<UserRecord, 'password'>;

export async function listUsers(file: string): Promise<UserSummary[]> {
  const { users } = await loadUsersFile(file);
  return users.map(({ password: _hash, ...rest }) => rest);
}
