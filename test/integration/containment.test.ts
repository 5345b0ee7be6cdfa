// Integration: a user can never leave the home folder: `..` and absolute paths are clamped to it,
// symlinks leading out are neither read, listed, entered nor written through, NUL bytes are refused,
// and files outside (a secret next to storage.root, another user's home) stay byte-identical.
import assert from 'node:assert/strict';
import { mkdir, readdir, readFile, stat, symlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { Readable } from 'node:stream';
import { after, before, describe, test } from 'node:test';
import type { Client } from 'basic-ftp';
import { connectClient } from '../helpers/connect-client.js';
import { HashSink } from '../helpers/hash-sink.js';
import { RawFtpClient, readAll } from '../helpers/raw-ftp-client.js';
import { replyCode } from '../helpers/reply-code.js';
import { sha256 } from '../helpers/sha256.js';
import { startTestServer, type TestServer } from '../helpers/test-server.js';

const SECRET = Buffer.from('top secret, outside every home\n');
const BOB = Buffer.from("bob's own file\n");

describe('containment', () => {
  let server: TestServer;
  let client: Client;
  let outside: string;
  let home: string;
  /** Every file outside alice's home that a test might try to reach, with its hash. */
  let guarded: Map<string, string>;
  let secretMode: number;

  before(async () => {
    server = await startTestServer({ users: [{ name: 'bob', password: 'bob-pass' }] });
    home = server.user.home;
    outside = path.join(server.dir, 'outside');
    await mkdir(outside, { recursive: true });
    await mkdir(path.join(server.storageRoot, 'bob'), { recursive: true });
    await mkdir(path.join(home, 'inside-dir'), { recursive: true });
    await writeFile(path.join(outside, 'secret.txt'), SECRET);
    await writeFile(path.join(server.storageRoot, 'bob', 'bob.txt'), BOB);
    await writeFile(path.join(home, 'inside-dir', 'ok.txt'), 'inside');
    await writeFile(path.join(home, 'mine.txt'), 'mine');
    await symlink(outside, path.join(home, 'link-out'));
    await symlink(path.join(outside, 'secret.txt'), path.join(home, 'secret-link'));
    await symlink(path.join(server.storageRoot, 'bob'), path.join(home, 'bob-link'));
    await symlink(path.join(home, 'inside-dir'), path.join(home, 'link-in'));
    secretMode = (await stat(path.join(outside, 'secret.txt'))).mode;
    guarded = new Map([
      [path.join(outside, 'secret.txt'), sha256(SECRET)],
      [path.join(server.storageRoot, 'bob', 'bob.txt'), sha256(BOB)],
    ]);
    client = await connectClient(server);
  });

  after(async () => {
    client.close();
    // Nothing outside the home changed or appeared.
    for (const [file, hash] of guarded) assert.equal(sha256(await readFile(file)), hash, file);
    assert.deepEqual(await readdir(outside), ['secret.txt']);
    assert.deepEqual(await readdir(path.join(server.storageRoot, 'bob')), ['bob.txt']);
    await server.stop();
  });

  describe('.. and absolute paths are clamped to the home', () => {
    test('CWD ../.. stays at the root of the home', async () => {
      const res = await client.send('CWD ../..');
      assert.equal(res.code, 250);
      assert.equal(await client.pwd(), '/');
      assert.equal((await client.cd('inside-dir')).code, 250);
      assert.equal((await client.send('CWD ../../../..')).code, 250);
      assert.equal(await client.pwd(), '/');
      assert.deepEqual((await client.list()).map((f) => f.name).sort(), ['bob-link', 'inside-dir', 'link-in', 'link-out', 'mine.txt', 'secret-link']);
    });

    test('RETR of ../ paths and absolute host paths gets 550', async () => {
      for (const p of [
        '../../../etc/passwd',
        '/../../x',
        '../outside/secret.txt',
        '../../outside/secret.txt',
        '../bob/bob.txt',
        path.join(outside, 'secret.txt'),
        path.join(server.storageRoot, 'bob', 'bob.txt'),
        '/etc/passwd',
        '..\\..\\outside\\secret.txt',
        '%2e%2e/%2e%2e/outside/secret.txt',
      ]) {
        const sink = new HashSink();
        assert.equal(await replyCode(client.downloadTo(sink, p)), 550, p);
        assert.equal(sink.bytes, 0, p);
      }
    });

    test('../../../etc/passwd means <home>/etc/passwd', async () => {
      await mkdir(path.join(home, 'etc'), { recursive: true });
      await writeFile(path.join(home, 'etc', 'passwd'), 'not the real one');
      const sink = new HashSink({ keep: true });
      assert.equal((await client.downloadTo(sink, '../../../etc/passwd')).code, 226);
      assert.equal(sink.data.toString(), 'not the real one');
    });

    test('CWD to host paths outside gets 550', async () => {
      for (const p of [outside, server.storageRoot, '/usr', path.join(server.storageRoot, 'bob')]) {
        assert.equal(await replyCode(client.cd(p)), 550, p);
      }
      assert.equal(await client.pwd(), '/');
    });

    test('STOR to ../ paths never writes outside', async () => {
      for (const p of ['../outside/new.txt', '../../outside/secret.txt', '../bob/bob.txt', path.join(outside, 'new.txt')]) {
        assert.equal(await replyCode(client.uploadFrom(Readable.from([Buffer.from('pwned')]), p)), 550, p);
      }
    });
  });

  describe('symlinks leading out of the home', () => {
    test('cannot be read', async () => {
      for (const p of ['secret-link', 'link-out/secret.txt', 'bob-link/bob.txt']) {
        const sink = new HashSink();
        assert.equal(await replyCode(client.downloadTo(sink, p)), 550, p);
        assert.equal(sink.bytes, 0);
      }
      for (const cmd of ['SIZE secret-link', 'MDTM secret-link', 'SIZE link-out/secret.txt', 'MLST link-out/secret.txt']) {
        assert.equal(await replyCode(client.send(cmd)), 550, cmd);
      }
    });

    test('cannot be entered or listed', async () => {
      assert.equal(await replyCode(client.cd('link-out')), 550);
      assert.equal(await replyCode(client.cd('bob-link')), 550);
      assert.equal(await client.pwd(), '/');
      assert.equal(await replyCode(client.send('MLSD link-out')), 550);
      assert.equal(await replyCode(client.send('MLSD bob-link')), 550);
      assert.equal(await replyCode(client.send('STAT link-out')), 550);
    });

    test('cannot be written, appended, created in, renamed into or changed through', async () => {
      const payload = () => Readable.from([Buffer.from('pwned')]);
      assert.equal(await replyCode(client.uploadFrom(payload(), 'secret-link')), 550);
      assert.equal(await replyCode(client.appendFrom(payload(), 'secret-link')), 550);
      assert.equal(await replyCode(client.uploadFrom(payload(), 'link-out/new.txt')), 550);
      assert.equal(await replyCode(client.uploadFrom(payload(), 'link-out/secret.txt')), 550);
      assert.equal(await replyCode(client.uploadFrom(payload(), 'bob-link/bob.txt')), 550);
      for (const cmd of [
        'MKD link-out/newdir',
        'DELE link-out/secret.txt',
        'DELE bob-link/bob.txt',
        'RNFR link-out/secret.txt',
        'RMD link-out',
        'SITE CHMOD 777 secret-link',
        'SITE CHMOD 777 link-out/secret.txt',
        'MFMT 20000101000000 secret-link',
        'MFMT 20000101000000 link-out/secret.txt',
      ]) {
        assert.ok((await replyCode(client.send(cmd))) >= 500, cmd);
      }
      assert.equal((await client.send('RNFR mine.txt')).code, 350);
      assert.equal(await replyCode(client.send('RNTO link-out/stolen.txt')), 550);
      assert.equal(await readFile(path.join(home, 'mine.txt'), 'utf8'), 'mine');
      assert.equal((await stat(path.join(outside, 'secret.txt'))).mode, secretMode);
    });

    test('listings do not reveal where they point', async () => {
      const raw = await RawFtpClient.login(server.host, server.port, server.user.name, server.user.password);
      try {
        const data = await raw.pasv();
        const [opening, body] = await Promise.all([raw.send('LIST'), readAll(data)]);
        assert.equal(opening.code, 150);
        assert.equal((await raw.read()).code, 226);
        const text = body.toString('utf8');
        assert.match(text, / secret-link(\r\n| ->)/);
        assert.ok(!text.includes(server.dir), text);
        assert.ok(!text.includes(outside), text);
        // A link inside the home may show its target, as a virtual path.
        assert.ok(!text.includes(home), text);
      } finally {
        await raw.close();
      }
    });

    test('a symlink that stays inside the home works', async () => {
      const sink = new HashSink({ keep: true });
      assert.equal((await client.downloadTo(sink, 'link-in/ok.txt')).code, 226);
      assert.equal(sink.data.toString(), 'inside');
      assert.equal((await client.cd('link-in')).code, 250);
      assert.equal(await client.pwd(), '/link-in');
      await client.cd('/');
    });

    test('DELE of an outward symlink removes the link, never its target', async () => {
      assert.equal((await client.remove('secret-link')).code, 250);
      assert.ok(!(await readdir(home)).includes('secret-link'));
      assert.equal(sha256(await readFile(path.join(outside, 'secret.txt'))), sha256(SECRET));
    });
  });

  describe('NUL bytes and control characters (raw client)', () => {
    let raw: RawFtpClient;
    before(async () => {
      raw = await RawFtpClient.login(server.host, server.port, server.user.name, server.user.password);
    });
    after(() => raw.close());

    test('a path with a NUL byte gets 501', async () => {
      for (const cmd of ['RETR mine.txt\0../../outside/secret.txt', 'CWD inside-dir\0..', 'DELE mine.txt\0', 'MKD a\0b', 'STOR x\0y']) {
        const res = await raw.send(Buffer.from(cmd, 'utf8'));
        assert.equal(res.code, 501, `${JSON.stringify(cmd)}: ${res.text}`);
      }
      assert.equal(await readFile(path.join(home, 'mine.txt'), 'utf8'), 'mine');
      assert.equal((await raw.send('NOOP')).code, 200);
    });

    test('a CR inside a command line cannot inject a second command', async () => {
      // Only LF ends a line; "DELE mine.txt\rNOOP" is one (odd) command naming a missing file.
      const res = await raw.send(Buffer.from('DELE mine.txt\rNOOP'));
      assert.equal(res.code, 550);
      assert.equal(await readFile(path.join(home, 'mine.txt'), 'utf8'), 'mine');
      assert.equal((await raw.send('NOOP')).code, 200);
    });
  });
});
