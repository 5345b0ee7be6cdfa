// Admin accounts of the web admin page, in their own YAML file (admins.yaml, mode 0600) with scrypt
// hashes, apart from FTP users: an FTP login never opens the admin page. The first start creates
// "admin" with a generated password that is printed once; `ferry admin passwd` changes it.
import { readFile } from 'node:fs/promises';
import YAML from 'yaml';
import { z } from 'zod';
import { generatePassword, hashPassword, verifyAgainstDummy, verifyPassword } from '../auth/password-hash.js';
import { userRecordSchema } from '../config/schema.js';
import { FerryError } from '../errors/ferry-error.js';
import { writeFileAtomic } from '../config/write-file-atomic.js';

export const FIRST_ADMIN_NAME = 'admin';

const adminSchema = z.strictObject({ name: userRecordSchema.shape.name, password: z.string().min(1) });
const accountsFileSchema = z.strictObject({ admins: z.array(adminSchema).default([]) });

const HEADER = [
  ' Ferry admin accounts for the web admin page (not FTP users). Passwords are scrypt hashes.',
  ' Set or change a password with: ferry admin passwd [name]',
].join('\n');

async function readDocument(file: string): Promise<{ doc: YAML.Document; admins: z.infer<typeof adminSchema>[] }> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    const doc = new YAML.Document({ admins: [] });
    doc.commentBefore = HEADER;
    return { doc, admins: [] };
  }
  const doc = YAML.parseDocument(text);
  // First line only: the rest quotes the file, which holds password hashes.
  if (doc.errors.length > 0) throw new FerryError('CONFIG_INVALID', `${file}: invalid YAML: ${doc.errors[0]!.message.split('\n')[0]}`);
  const parsed = accountsFileSchema.safeParse(doc.toJS() ?? {});
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new FerryError('CONFIG_INVALID', `${file}: ${issue.path.join('.') || '(top level)'}: ${issue.message}`);
  }
  if (!YAML.isSeq(doc.get('admins'))) doc.set('admins', doc.createNode([]));
  return { doc, admins: parsed.data.admins };
}

/** Names of the admin accounts. */
export async function listAdmins(file: string): Promise<string[]> {
  return (await readDocument(file)).admins.map((a) => a.name);
}

/** Sets an admin's password, creating the account if it does not exist. Returns whether it was created. */
export async function setAdminPassword(file: string, name: string, password: string): Promise<{ created: boolean }> {
  const check = adminSchema.shape.name.safeParse(name);
  if (!check.success) throw new FerryError('BAD_ARGUMENT', `invalid admin name "${name}": ${check.error.issues[0]?.message}`);
  if (password.length < 8) throw new FerryError('BAD_ARGUMENT', 'an admin password needs at least 8 characters');
  const hash = await hashPassword(password);
  const { doc, admins } = await readDocument(file);
  const index = admins.findIndex((a) => a.name === name);
  if (index >= 0) doc.setIn(['admins', index, 'password'], hash);
  else doc.addIn(['admins'], doc.createNode({ name, password: hash }));
  await writeFileAtomic(file, doc.toString());
  return { created: index < 0 };
}

/** First start: when there is no admin account, create "admin" and return its password (to print once). */
export async function ensureFirstAdmin(file: string): Promise<{ name: string; password: string } | undefined> {
  if ((await readDocument(file)).admins.length > 0) return undefined;
  const password = generatePassword();
  await setAdminPassword(file, FIRST_ADMIN_NAME, password);
  return { name: FIRST_ADMIN_NAME, password };
}

/**
 * True when name and password match an account. Read from the file each time, so `ferry admin passwd`
 * applies without a restart. Unknown names cost one scrypt too, so timing does not reveal names.
 */
export async function verifyAdmin(file: string, name: string, password: string): Promise<boolean> {
  const account = (await readDocument(file)).admins.find((a) => a.name === name);
  if (!account) return verifyAgainstDummy(password);
  return verifyPassword(password, account.password);
}
