// Tests for the users file: loading and error messages, atomic 0600 writes, and the user operations.
import assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { isFerryError } from '../errors/ferry-error.js';
import { hashPassword, verifyPassword } from './password-hash.js';
import { formatKeyPath } from './users-file-issues.js';
import {
  addUser,
  listUsers,
  loadUsersFile,
  parseUsersFile,
  removeUser,
  saveUsersFile,
  setPassword,
  setUserEnabled,
} from './users-file.js';

let dir: string;
let n = 0;
const fresh = () => path.join(dir, `users-${++n}.yaml`);
const POSIX = process.platform !== 'win32';

before(async () => {
  dir = await fs.mkdtemp(path.join(os.tmpdir(), 'ferry-users-file-'));
});
after(async () => {
  await fs.rm(dir, { recursive: true, force: true });
});

function configError(includes: string[]) {
  return (err: unknown) => {
    assert.ok(isFerryError(err, 'CONFIG_INVALID'), String(err));
    for (const s of includes) assert.ok(err.message.includes(s), `"${s}" missing in: ${err.message}`);
    return true;
  };
}

async function writeRaw(text: string): Promise<string> {
  const file = fresh();
  await fs.writeFile(file, text);
  return file;
}

describe('loadUsersFile', () => {
  it('reads a missing, empty or emptied file as no users', async () => {
    assert.deepEqual(await loadUsersFile(path.join(dir, 'nope.yaml')), { users: [] });
    assert.deepEqual(await loadUsersFile(await writeRaw('')), { users: [] });
    assert.deepEqual(await loadUsersFile(await writeRaw('# nothing yet\nusers:\n')), { users: [] });
  });

  it('applies the schema defaults', async () => {
    const file = await writeRaw('users:\n  - name: alice\n    password: "$scrypt$x"\n');
    assert.deepEqual(await loadUsersFile(file), {
      users: [{ name: 'alice', password: '$scrypt$x', permissions: 'full', enabled: true, tls: 'inherit' }],
    });
  });

  it('names the file, the key path and what is allowed', async () => {
    const file = await writeRaw(
      'users:\n  - { name: a, password: h1 }\n  - { name: b, password: h2 }\n  - { name: c, password: h3, permissions: all }\n',
    );
    await assert.rejects(loadUsersFile(file), configError([file, 'users[2].permissions', '"full", "read-only", or a list of: list, read']));
  });

  it('points into a permission list at the bad entry', async () => {
    const file = await writeRaw('users:\n  - { name: a, password: h, permissions: [read, fly] }\n');
    await assert.rejects(loadUsersFile(file), configError(['users[0].permissions[1]', '"list"|"read"']));
  });

  it('reports every problem, one per line, without echoing values', async () => {
    const file = await writeRaw(
      'users:\n  - { name: "bad name", password: SECRET-HASH, tls: maybe, colour: red }\nextra: 1\n',
    );
    await assert.rejects(loadUsersFile(file), (err: unknown) => {
      configError([
        'users[0].name: invalid value; allowed: letters, digits',
        'users[0].tls',
        '"inherit"|"optional"|"required"',
        'users[0]: unknown key "colour"; allowed keys: name, password, home',
        'top level: unknown key "extra"; allowed keys: users',
      ])(err);
      const lines = (err as Error).message.split('\n');
      assert.equal(lines.length, 4);
      for (const line of lines) assert.ok(line.startsWith(`${file}: `), line);
      assert.ok(!(err as Error).message.includes('SECRET-HASH'));
      return true;
    });
  });

  it('reports YAML syntax errors with the line, but not the file content', async () => {
    const file = await writeRaw('users:\n  - name: a\n    password: SECRET-HASH\n   bad: [\n');
    await assert.rejects(loadUsersFile(file), (err: unknown) => {
      configError([file, 'invalid YAML', 'line '])(err);
      assert.ok(!(err as Error).message.includes('SECRET-HASH'));
      return true;
    });
  });

  it('refuses duplicate user names, ignoring case', async () => {
    const file = await writeRaw('users:\n  - { name: bob, password: h }\n  - { name: alice, password: h }\n  - { name: Bob, password: h }\n');
    await assert.rejects(loadUsersFile(file), configError(['users[2].name', '"Bob"', 'users[0]']));
  });

  it('refuses a file that is not a mapping', () => {
    assert.throws(() => parseUsersFile('u.yaml', '- a\n- b\n'), configError(['u.yaml: top level', 'expected object']));
  });

  it('formats key paths', () => {
    assert.equal(formatKeyPath(['users', 2, 'permissions', 0]), 'users[2].permissions[0]');
    assert.equal(formatKeyPath([]), 'top level');
  });
});

describe('saveUsersFile', () => {
  it('round-trips, writes mode 0600 with a header, and leaves no temp file', async () => {
    const file = fresh();
    await fs.writeFile(file, 'users: []\n', { mode: 0o644 });
    const hash = await hashPassword('pw', { ln: 4, r: 8, p: 1 });
    const data = {
      users: [
        { name: 'alice', password: hash, permissions: 'read-only' as const, enabled: true, tls: 'required' as const },
        { name: 'bob', password: hash, home: 'shared/bob', permissions: ['list' as const], enabled: false, tls: 'inherit' as const },
      ],
    };
    await saveUsersFile(file, data);
    assert.deepEqual(await loadUsersFile(file), data);
    if (POSIX) assert.equal((await fs.stat(file)).mode & 0o777, 0o600);
    const text = await fs.readFile(file, 'utf8');
    assert.match(text, /^# Ferry users file/);
    assert.deepEqual((await fs.readdir(dir)).filter((f) => f.endsWith('.tmp')), []);
  });

  it('refuses invalid data and leaves the file as it was', async () => {
    const file = await writeRaw('users: []\n');
    const dup = { name: 'a', password: 'h', permissions: 'full' as const, enabled: true, tls: 'inherit' as const };
    await assert.rejects(saveUsersFile(file, { users: [dup, dup] }), configError(['users[1].name']));
    assert.equal(await fs.readFile(file, 'utf8'), 'users: []\n');
  });

  it('creates the folder of the file', async () => {
    const file = path.join(dir, 'sub', 'deeper', 'users.yaml');
    await saveUsersFile(file, { users: [] });
    assert.deepEqual(await loadUsersFile(file), { users: [] });
  });
});

describe('user operations', () => {
  it('adds a user storing only a hash, in a 0600 file', async () => {
    const file = fresh();
    await addUser(file, { name: 'alice', password: 'plain-Secret-42', home: 'team/alice', permissions: ['list', 'read'], tls: 'required' });
    const text = await fs.readFile(file, 'utf8');
    assert.ok(!text.includes('plain-Secret-42'));
    assert.match(text, /^# Ferry users file/);
    if (POSIX) assert.equal((await fs.stat(file)).mode & 0o777, 0o600);
    const [record] = (await loadUsersFile(file)).users;
    assert.equal(record?.name, 'alice');
    assert.equal(record?.home, 'team/alice');
    assert.deepEqual(record?.permissions, ['list', 'read']);
    assert.equal(record?.tls, 'required');
    assert.equal(await verifyPassword('plain-Secret-42', record!.password), true);
  });

  it('refuses duplicates (ignoring case), reserved and invalid names, empty passwords, escaping homes', async () => {
    const file = fresh();
    await addUser(file, { name: 'alice', password: 'pw' });
    const code = (c: string, text: string) => (err: unknown) => isFerryError(err) && err.code === c && err.message.includes(text);
    await assert.rejects(addUser(file, { name: 'alice', password: 'x' }), code('ALREADY_EXISTS', 'user "alice" already exists'));
    await assert.rejects(addUser(file, { name: 'ALICE', password: 'x' }), code('ALREADY_EXISTS', '"alice"'));
    await assert.rejects(addUser(file, { name: 'Anonymous', password: 'x' }), code('BAD_ARGUMENT', 'reserved'));
    await assert.rejects(addUser(file, { name: 'a b', password: 'x' }), code('BAD_ARGUMENT', 'invalid user name "a b"'));
    await assert.rejects(addUser(file, { name: 'carol', password: '' }), code('BAD_ARGUMENT', 'password'));
    await assert.rejects(addUser(file, { name: 'carol', password: 'x', home: '../etc' }), code('BAD_ARGUMENT', 'home'));
    await assert.rejects(addUser(file, { name: 'carol', password: 'x', permissions: ['fly' as never] }), code('BAD_ARGUMENT', 'permissions'));
    assert.deepEqual((await listUsers(file)).map((u) => u.name), ['alice']);
  });

  it('changes passwords, enables and disables, lists without hashes, removes', async () => {
    const file = fresh();
    await addUser(file, { name: 'alice', password: 'old' });
    await addUser(file, { name: 'bob', password: 'bobpw' });

    await setPassword(file, 'alice', 'new');
    const alice = (await loadUsersFile(file)).users[0]!;
    assert.equal(await verifyPassword('new', alice.password), true);
    assert.equal(await verifyPassword('old', alice.password), false);

    await setUserEnabled(file, 'bob', false);
    const listed = await listUsers(file);
    assert.deepEqual(listed, [
      { name: 'alice', permissions: 'full', enabled: true, tls: 'inherit' },
      { name: 'bob', permissions: 'full', enabled: false, tls: 'inherit' },
    ]);
    assert.ok(listed.every((u) => !('password' in u)));
    await setUserEnabled(file, 'bob', true);
    assert.equal((await listUsers(file))[1]?.enabled, true);

    await removeUser(file, 'alice');
    assert.deepEqual((await listUsers(file)).map((u) => u.name), ['bob']);
  });

  it('gives a clear error for an unknown user', async () => {
    const file = fresh();
    await addUser(file, { name: 'Bob', password: 'pw' });
    const notFound = (text: string) => (err: unknown) => isFerryError(err, 'NOT_FOUND') && err.message.includes(text);
    await assert.rejects(removeUser(file, 'carol'), notFound('no user named "carol"'));
    await assert.rejects(removeUser(file, 'bob'), notFound('did you mean "Bob"?'));
    await assert.rejects(setPassword(file, 'carol', 'x'), notFound('"carol"'));
    await assert.rejects(setUserEnabled(file, 'carol', false), notFound('"carol"'));
  });

  it('keeps the admin\'s comments when editing', async () => {
    const file = await writeRaw('# our team\nusers:\n  # the boss\n  - name: alice\n    password: "$scrypt$x"\n');
    await addUser(file, { name: 'bob', password: 'pw' });
    await setUserEnabled(file, 'alice', false);
    const text = await fs.readFile(file, 'utf8');
    assert.match(text, /^# our team\n/);
    assert.match(text, /# the boss\n\s+- name: alice/);
    assert.deepEqual((await listUsers(file)).map((u) => [u.name, u.enabled]), [['alice', false], ['bob', true]]);
  });

  it('does not write over a file it cannot parse', async () => {
    const file = await writeRaw('users: [\n');
    await assert.rejects(addUser(file, { name: 'bob', password: 'pw' }), configError(['invalid YAML']));
    assert.equal(await fs.readFile(file, 'utf8'), 'users: [\n');
  });
});
