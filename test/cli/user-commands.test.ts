// `ferry user add|passwd|remove|list|enable|disable` as child processes, then a real server that uses
// the users file they wrote: proves the CLI stores scrypt hashes (never passwords) that logins accept.
import assert from 'node:assert/strict';
import { readFile, rm, mkdtemp, stat, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { Client, FTPError } from 'basic-ftp';
import pino from 'pino';
import YAML from 'yaml';
import { startFerry } from '../../src/server/bootstrap.js';
import { runFerry } from './run-ferry.js';

let dir: string;
let configFile: string;
let usersFile: string;

before(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'ferry-cli-users-'));
  configFile = path.join(dir, 'ferry.yaml');
  usersFile = path.join(dir, 'accounts', 'users.yaml');
  await writeFile(
    configFile,
    YAML.stringify({
      server: { host: '127.0.0.1', port: 0 },
      passive: { minPort: 0, maxPort: 0 },
      tls: { mode: 'disabled' },
      users: { file: 'accounts/users.yaml' },
      logging: { level: 'silent' },
    }),
  );
});
after(async () => {
  await rm(dir, { recursive: true, force: true });
});

const ferryUser = (args: string[], input?: string) => runFerry(['user', ...args, '-c', configFile], { input });

/** Logs in over plain FTP; resolves to the reply code of PASS (230 or the refusal). */
async function login(port: number, user: string, password: string): Promise<number> {
  const client = new Client(5_000);
  try {
    await client.connect('127.0.0.1', port);
    return (await client.login(user, password)).code;
  } catch (err) {
    if (err instanceof FTPError) return err.code;
    throw err;
  } finally {
    client.close();
  }
}

describe('ferry user', () => {
  it('manages accounts that the server then accepts', async () => {
    // add with --password-stdin: only the hash is stored, mode 0600, the password is not echoed
    let r = await ferryUser(['add', 'bob', '--password-stdin'], 'Bob-first-Pw1\n');
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout.trim(), `User bob added to ${usersFile}`);
    assert.ok(!r.stdout.includes('Bob-first-Pw1') && !r.stderr.includes('Bob-first-Pw1'));
    let text = await readFile(usersFile, 'utf8');
    assert.match(text, /name: bob\n\s+password: \$scrypt\$ln=\d+,r=\d+,p=\d+\$\S+\$\S+/);
    assert.ok(!text.includes('Bob-first-Pw1'));
    assert.equal((await stat(usersFile)).mode & 0o777, 0o600);

    // a duplicate name (any case) is refused with a clear message and the file is untouched
    r = await ferryUser(['add', 'BOB', '--password-stdin'], 'whatever\n');
    assert.notEqual(r.code, 0);
    assert.match(r.stderr, /user "bob" already exists/);
    assert.equal(await readFile(usersFile, 'utf8'), text);

    // --generate-password prints the password exactly once
    r = await ferryUser(['add', 'carol', '--generate-password', '--permissions', 'read-only']);
    assert.equal(r.code, 0, r.stderr);
    const carolPassword = /^Password \(shown once\): (\S+)$/m.exec(r.stdout)?.[1];
    assert.ok(carolPassword && carolPassword.length >= 16, r.stdout);
    assert.equal(r.stdout.split(carolPassword).length - 1, 1);
    assert.ok(!(await readFile(usersFile, 'utf8')).includes(carolPassword));

    // passwd replaces the hash; an empty stdin is refused
    r = await ferryUser(['passwd', 'bob', '--password-stdin'], 'Bob-second-Pw2\n');
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /Password of bob changed/);
    r = await ferryUser(['passwd', 'bob', '--password-stdin'], '');
    assert.notEqual(r.code, 0);
    assert.match(r.stderr, /no password/);

    r = await ferryUser(['add', 'dave', '--password-stdin'], 'Dave-Pw3\n');
    assert.equal(r.code, 0, r.stderr);
    r = await ferryUser(['disable', 'dave']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /User dave disabled/);

    r = await ferryUser(['list']);
    assert.equal(r.code, 0, r.stderr);
    const listed = r.stdout.trim().split('\n');
    assert.equal(listed.length, 3, r.stdout);
    assert.match(listed[0]!, /^bob\tenabled\thome=bob\tpermissions=full\ttls=inherit$/);
    assert.match(listed[1]!, /^carol\tenabled\thome=carol\tpermissions=read-only\t/);
    assert.match(listed[2]!, /^dave\tdisabled\t/);
    assert.ok(!r.stdout.includes('$scrypt$'), 'list must not show hashes');

    // the server accepts what the CLI wrote
    text = await readFile(usersFile, 'utf8');
    const running = await startFerry(configFile, { print: () => {}, logger: pino({ level: 'silent' }), watch: false });
    try {
      const port = running.addresses.explicit!.port;
      assert.equal(await login(port, 'bob', 'Bob-second-Pw2'), 230);
      assert.equal(await login(port, 'bob', 'Bob-first-Pw1'), 530);
      assert.equal(await login(port, 'carol', carolPassword), 230);
      assert.equal(await login(port, 'dave', 'Dave-Pw3'), 530);
    } finally {
      await running.stop(1_000);
    }
    assert.equal(await readFile(usersFile, 'utf8'), text, 'starting the server must not change the users file');

    r = await ferryUser(['enable', 'dave']);
    assert.equal(r.code, 0, r.stderr);
    r = await ferryUser(['remove', 'carol']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /User carol removed/);
    r = await ferryUser(['list']);
    assert.deepEqual(
      r.stdout.trim().split('\n').map((l) => l.split('\t').slice(0, 2).join(' ')),
      ['bob enabled', 'dave enabled'],
    );
    r = await ferryUser(['remove', 'carol']);
    assert.notEqual(r.code, 0);
    assert.match(r.stderr, /no user named "carol"/);
    assert.equal((await stat(usersFile)).mode & 0o777, 0o600);
  });
});
