// First start: when the users file holds no account, create `ferry` with a generated password,
// so a fresh install is usable without ever shipping a default password.
import { generatePassword } from './password-hash.js';
import { addUser, loadUsersFile } from './users-file.js';

export const FIRST_USER_NAME = 'ferry';

/**
 * Creates the first account if the users file has none and returns its plain password, which exists
 * nowhere else: the caller prints it once. Returns undefined when there already are users.
 */
export async function ensureFirstUser(usersFile: string): Promise<{ name: string; password: string } | undefined> {
  const { users } = await loadUsersFile(usersFile);
  if (users.length > 0) return undefined;
  const password = generatePassword();
  await addUser(usersFile, { name: FIRST_USER_NAME, password, permissions: 'full' });
  return { name: FIRST_USER_NAME, password };
}
