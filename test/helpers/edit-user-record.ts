// Sets fields of one account in a users file directly, for settings `addUser` (and so the test
// harness) cannot write yet, e.g. the per-user requireSessionReuse override. Reload the server after.
import { readFile, writeFile } from 'node:fs/promises';
import YAML from 'yaml';

export async function editUserRecord(usersFile: string, name: string, fields: Record<string, unknown>): Promise<void> {
  const doc = YAML.parseDocument(await readFile(usersFile, 'utf8'));
  const users = doc.toJS() as { users?: { name: string }[] };
  const index = users.users?.findIndex((u) => u.name === name) ?? -1;
  if (index < 0) throw new Error(`no user "${name}" in ${usersFile}`);
  for (const [key, value] of Object.entries(fields)) doc.setIn(['users', index, key], value);
  await writeFile(usersFile, doc.toString(), { mode: 0o600 });
}
