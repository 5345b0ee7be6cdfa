// Tests for the runtime user store: logins (real, disabled, unknown, anonymous), homes, reload and watch.
import assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { UserRecord } from '../config/schema.js';
import { isFerryError, type FerryError } from '../errors/ferry-error.js';
import { hashPassword, verifyAgainstDummy, verifyPassword } from './password-hash.js';
import { resolveHome, UserStore, type PasswordVerifier, type UserStoreOptions } from './user-store.js';
import { saveUsersFile } from './users-file.js';

let dir: string;
let root: string;
let hash: string; // every test user's password is "pw"
let n = 0;

before(async () => {
  dir = await fs.mkdtemp(path.join(os.tmpdir(), 'ferry-user-store-'));
  root = path.join(dir, 'files');
  hash = await hashPassword('pw', { ln: 4, r: 8, p: 1 });
});
after(async () => {
  await fs.rm(dir, { recursive: true, force: true });
});

type UserSpec = Pick<UserRecord, 'name'> & Partial<Omit<UserRecord, 'name'>>;
const record = (u: UserSpec): UserRecord => ({ password: hash, permissions: 'full', enabled: true, tls: 'inherit', ...u });

async function usersFile(users: UserSpec[]): Promise<string> {
  const file = path.join(dir, `users-${++n}.yaml`);
  await saveUsersFile(file, { users: users.map(record) });
  return file;
}

/** Counts which verification path each login took, and still does the real work. */
function spyVerifier() {
  const calls = { verify: 0, dummy: [] as string[] };
  const verifier: PasswordVerifier = {
    verify: (password, encoded) => {
      calls.verify++;
      return verifyPassword(password, encoded);
    },
    verifyAgainstDummy: (password) => {
      calls.dummy.push(password);
      return verifyAgainstDummy(password);
    },
  };
  return { calls, verifier };
}

function open(file: string, extra: Partial<UserStoreOptions> = {}) {
  return UserStore.open({ usersFile: file, storageRoot: root, anonymous: { enabled: false, home: 'pub' }, ...extra });
}

describe('UserStore.authenticate', () => {
  it('logs in with the right password and resolves the user', async () => {
    const file = await usersFile([{ name: 'alice', permissions: 'read-only', tls: 'required', requireSessionReuse: false }]);
    const store = await open(file);
    const user = await store.authenticate('alice', 'pw');
    assert.deepEqual(user, {
      name: 'alice',
      home: path.join(root, 'alice'),
      permissions: new Set(['list', 'read']),
      tls: 'required',
      requireSessionReuse: false,
      anonymous: false,
    });
    assert.ok(Object.isFrozen(user));
  });

  it('refuses a wrong password after a real verification', async () => {
    const { calls, verifier } = spyVerifier();
    const store = await open(await usersFile([{ name: 'alice' }]), { verifier });
    assert.equal(await store.authenticate('alice', 'wrong'), undefined);
    assert.deepEqual(calls, { verify: 1, dummy: [] });
  });

  it('sends unknown and disabled users through the dummy verification', async () => {
    const { calls, verifier } = spyVerifier();
    const store = await open(await usersFile([{ name: 'alice' }, { name: 'bob', enabled: false }]), { verifier });
    assert.equal(await store.authenticate('carol', 'pw1'), undefined);
    assert.equal(await store.authenticate('bob', 'pw'), undefined); // right password, disabled account
    assert.equal(await store.authenticate('ALICE', 'pw2'), undefined); // names are case-sensitive
    assert.deepEqual(calls, { verify: 0, dummy: ['pw1', 'pw', 'pw2'] });
  });

  it('allows anonymous logins only when enabled, read-only, any password and case', async () => {
    const file = await usersFile([{ name: 'alice' }]);
    const { calls, verifier } = spyVerifier();
    const off = await open(file, { verifier });
    assert.equal(await off.authenticate('anonymous', 'guest@example.com'), undefined);
    assert.deepEqual(calls.dummy, ['guest@example.com']);

    const on = await open(file, { anonymous: { enabled: true, home: 'pub' } });
    for (const name of ['anonymous', 'ftp', 'FTP', 'Anonymous']) {
      assert.deepEqual(await on.authenticate(name, ''), {
        name: 'anonymous',
        home: path.join(root, 'pub'),
        permissions: new Set(['list', 'read']),
        tls: 'inherit',
        anonymous: true,
      });
    }
    assert.equal(await on.authenticate('anon', 'x'), undefined);
    assert.equal(on.count(), 1);
  });

  it('lets a real account named like the anonymous login win over it', async () => {
    const store = await open(await usersFile([{ name: 'ftp' }]), { anonymous: { enabled: true, home: 'pub' } });
    assert.equal(await store.authenticate('ftp', 'wrong'), undefined);
    assert.equal((await store.authenticate('ftp', 'pw'))?.anonymous, false);
    assert.equal((await store.authenticate('FTP', 'x'))?.anonymous, true);
  });

  it('tells TLS overrides only for enabled accounts', async () => {
    const store = await open(await usersFile([{ name: 'alice', tls: 'optional' }, { name: 'bob', tls: 'required', enabled: false }]));
    assert.equal(store.lookup('alice'), 'optional');
    assert.equal(store.lookup('bob'), undefined);
    assert.equal(store.lookup('carol'), undefined);
    assert.equal(store.count(), 2);
  });
});

describe('homes', () => {
  it('resolves relative homes under the root and keeps absolute ones', async () => {
    const abs = path.join(dir, 'elsewhere');
    const store = await open(await usersFile([{ name: 'a' }, { name: 'b', home: 'team/./b' }, { name: 'c', home: abs }, { name: 'd', home: '.' }]));
    const home = async (name: string) => (await store.authenticate(name, 'pw'))?.home;
    assert.equal(await home('a'), path.join(root, 'a'));
    assert.equal(await home('b'), path.join(root, 'team', 'b'));
    assert.equal(await home('c'), abs);
    assert.equal(await home('d'), root);
  });

  it('refuses relative homes that leave the root, naming the key', async () => {
    const file = await usersFile([{ name: 'a' }, { name: 'b', home: 'x/../../etc' }]);
    await assert.rejects(open(file), (err: unknown) => isFerryError(err, 'CONFIG_INVALID') && err.message.includes('users[1].home'));
    await assert.rejects(
      open(await usersFile([]), { anonymous: { enabled: true, home: '../pub' } }),
      (err: unknown) => isFerryError(err, 'CONFIG_INVALID') && err.message.includes('users.anonymous.home'),
    );
  });

  it('resolveHome keeps names that merely start with two dots', () => {
    assert.equal(resolveHome(root, '..hidden'), path.join(root, '..hidden'));
    assert.equal(resolveHome(root, '..'), undefined);
    assert.equal(resolveHome(root, '../files-other'), undefined);
  });

  it('requires an absolute storage root', async () => {
    await assert.rejects(UserStore.open({ usersFile: 'x', storageRoot: 'rel', anonymous: { enabled: false, home: 'pub' } }), TypeError);
  });

  it('ensureHome creates the folder and reports a file in the way without the host path', async () => {
    const store = await open(await usersFile([{ name: 'eve', home: 'deep/er/eve' }, { name: 'frank' }]));
    const eve = (await store.authenticate('eve', 'pw'))!;
    await store.ensureHome(eve);
    await store.ensureHome(eve); // already there: fine
    assert.ok((await fs.stat(path.join(root, 'deep', 'er', 'eve'))).isDirectory());

    const frank = (await store.authenticate('frank', 'pw'))!;
    await fs.mkdir(root, { recursive: true });
    await fs.writeFile(frank.home, 'not a folder');
    await assert.rejects(store.ensureHome(frank), (err: unknown) => {
      assert.ok(isFerryError(err, 'NOT_A_DIRECTORY'));
      assert.equal(err.publicMessage, 'Home folder unavailable');
      return true;
    });
  });
});

describe('reload and watch', () => {
  it('applies a valid new file and keeps the old users when the new one is invalid', async () => {
    const file = await usersFile([{ name: 'alice' }]);
    const store = await open(file);

    await saveUsersFile(file, { users: [record({ name: 'alice' }), record({ name: 'bob' })] });
    assert.equal(await store.reload(), undefined);
    assert.equal((await store.authenticate('bob', 'pw'))?.name, 'bob');

    await fs.writeFile(file, 'users:\n  - { name: alice, password: x, permissions: all }\n');
    const error = await store.reload();
    assert.ok(isFerryError(error, 'CONFIG_INVALID'));
    assert.ok(error.message.includes('users[0].permissions'));
    assert.equal(store.count(), 2);
    assert.equal((await store.authenticate('alice', 'pw'))?.name, 'alice');

    await saveUsersFile(file, { users: [record({ name: 'alice', home: '../../x' })] });
    assert.ok(isFerryError(await store.reload(), 'CONFIG_INVALID'));
    assert.equal((await store.authenticate('alice', 'pw'))?.home, path.join(root, 'alice'));

    await fs.rm(file); // a deleted file means no users, as at startup
    assert.equal(await store.reload(), undefined);
    assert.equal(store.count(), 0);
  });

  it('watches the file and reloads when it is replaced', { timeout: 10_000 }, async () => {
    const file = await usersFile([{ name: 'alice' }]);
    const store = await open(file);
    // The poller does not keep the process alive (a server's sockets do); this timer stands in for them.
    const keepAlive = setInterval(() => undefined, 1000);
    try {
      const reloaded = new Promise<FerryError | undefined>((resolve) => store.watch(resolve, 20));
      await new Promise((r) => setTimeout(r, 50)); // let the poller take its first snapshot
      await saveUsersFile(file, { users: [record({ name: 'zoe' })] });
      assert.equal(await reloaded, undefined);
      assert.equal((await store.authenticate('zoe', 'pw'))?.name, 'zoe');
      assert.equal(await store.authenticate('alice', 'pw'), undefined);
    } finally {
      await store.close();
      clearInterval(keepAlive);
    }
  });
});
