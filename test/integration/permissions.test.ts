// Integration: per-user permissions (read-only; list+read+write without delete) and
// storage.overwrite: false. Every refusal is a 550 and leaves the files on disk as they were.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdir, readdir, readFile, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { Readable } from 'node:stream';
import { after, before, describe, test } from 'node:test';
import type { Client } from 'basic-ftp';
import { connectClient } from '../helpers/connect-client.js';
import { HashSink } from '../helpers/hash-sink.js';
import { replyCode } from '../helpers/reply-code.js';
import { sha256 } from '../helpers/sha256.js';
import { startTestServer, type TestServer } from '../helpers/test-server.js';

const payload = () => Readable.from([Buffer.from('new content')]);

describe('permissions', () => {
  let server: TestServer;
  const existing = randomBytes(4096);
  const homeOf = (user: string) => path.join(server.storageRoot, user);

  before(async () => {
    server = await startTestServer({
      users: [
        { name: 'ro', password: 'ro-pass', permissions: 'read-only' },
        { name: 'writer', password: 'writer-pass', permissions: ['list', 'read', 'write'] },
      ],
    });
    for (const user of ['ro', 'writer']) {
      await mkdir(path.join(homeOf(user), 'sub'), { recursive: true });
      await writeFile(path.join(homeOf(user), 'existing.bin'), existing);
    }
  });
  after(() => server.stop());

  describe('read-only user', () => {
    let client: Client;
    before(async () => {
      client = await connectClient(server, { user: 'ro', password: 'ro-pass' });
    });
    after(async () => {
      client.close();
      assert.deepEqual((await readdir(homeOf('ro'))).sort(), ['existing.bin', 'sub']);
      assert.equal(sha256(await readFile(path.join(homeOf('ro'), 'existing.bin'))), sha256(existing));
    });

    test('can list and download', async () => {
      assert.deepEqual((await client.list()).map((f) => f.name).sort(), ['existing.bin', 'sub']);
      const sink = new HashSink();
      assert.equal((await client.downloadTo(sink, 'existing.bin')).code, 226);
      assert.equal(sink.sha256, sha256(existing));
      assert.equal(await client.size('existing.bin'), existing.length);
      assert.equal((await client.cd('sub')).code, 250);
      await client.cd('/');
    });

    test('MLST shows what the account may do (perm fact)', async () => {
      assert.equal((await client.send('OPTS MLST type;perm;')).code, 200);
      const file = await client.send('MLST existing.bin');
      assert.match(file.message, / type=file;perm=r; \/existing\.bin/);
      const dir = await client.send('MLST sub');
      assert.match(dir.message, / type=dir;perm=el; \/sub/);
      await client.send('OPTS MLST type;size;modify;unique;unix.mode;');
    });

    test('STOR, APPE, STOU, DELE, MKD, RMD, RNFR, RNTO, SITE CHMOD and MFMT get 550', async () => {
      assert.equal(await replyCode(client.uploadFrom(payload(), 'new.bin')), 550);
      assert.equal(await replyCode(client.uploadFrom(payload(), 'existing.bin')), 550);
      assert.equal(await replyCode(client.appendFrom(payload(), 'existing.bin')), 550);
      for (const cmd of [
        'STOU',
        'DELE existing.bin',
        'MKD newdir',
        'RMD sub',
        'RNFR existing.bin',
        'RNTO renamed.bin',
        'SITE CHMOD 600 existing.bin',
        'MFMT 20000101000000 existing.bin',
      ]) {
        assert.equal(await replyCode(client.send(cmd)), 550, cmd);
      }
      assert.equal((await client.send('NOOP')).code, 200);
    });
  });

  describe('user with list, read and write (no delete)', () => {
    let client: Client;
    before(async () => {
      client = await connectClient(server, { user: 'writer', password: 'writer-pass' });
    });
    after(() => client.close());

    test('can upload new files', async () => {
      const data = randomBytes(10_000);
      assert.equal((await client.uploadFrom(Readable.from([data]), 'fresh.bin')).code, 226);
      assert.equal(sha256(await readFile(path.join(homeOf('writer'), 'fresh.bin'))), sha256(data));
    });

    test('cannot overwrite an existing file (that needs delete)', async () => {
      const res = await replyCode(client.uploadFrom(payload(), 'existing.bin'));
      assert.equal(res, 550);
      assert.equal(sha256(await readFile(path.join(homeOf('writer'), 'existing.bin'))), sha256(existing));
    });

    test('cannot delete, rename, make or remove folders', async () => {
      for (const cmd of ['DELE existing.bin', 'DELE fresh.bin', 'RNFR fresh.bin', 'MKD newdir', 'RMD sub']) {
        assert.equal(await replyCode(client.send(cmd)), 550, cmd);
      }
      assert.ok((await stat(path.join(homeOf('writer'), 'fresh.bin'))).isFile());
      assert.ok((await stat(path.join(homeOf('writer'), 'sub'))).isDirectory());
    });

    test(
      'cannot rewrite an existing file through REST + STOR either',
      async () => {
        assert.equal((await client.send('REST 1')).code, 350);
        assert.equal(await replyCode(client.uploadFrom(payload(), 'existing.bin')), 550);
        assert.equal(sha256(await readFile(path.join(homeOf('writer'), 'existing.bin'))), sha256(existing));
      },
    );
  });
});

describe('storage.overwrite: false', () => {
  let server: TestServer;
  let client: Client;
  const original = randomBytes(2048);
  const onDisk = (name: string) => path.join(server.user.home, name);

  before(async () => {
    server = await startTestServer({ config: { storage: { overwrite: false } } });
    await mkdir(server.user.home, { recursive: true });
    await writeFile(onDisk('keep.bin'), original);
    await writeFile(onDisk('resume.bin'), original);
    client = await connectClient(server);
  });
  after(async () => {
    client.close();
    await server.stop();
  });

  test('STOR onto an existing file gets 550 and keeps it', async () => {
    assert.equal(await replyCode(client.uploadFrom(payload(), 'keep.bin')), 550);
    assert.equal(sha256(await readFile(onDisk('keep.bin'))), sha256(original));
  });

  test('new files upload; after DELE the name is free again', async () => {
    const data = randomBytes(777);
    assert.equal((await client.uploadFrom(Readable.from([data]), 'brand-new.bin')).code, 226);
    assert.equal(sha256(await readFile(onDisk('brand-new.bin'))), sha256(data));
    assert.equal((await client.remove('brand-new.bin')).code, 250);
    assert.equal((await client.uploadFrom(payload(), 'brand-new.bin')).code, 226);
    assert.equal(await readFile(onDisk('brand-new.bin'), 'utf8'), 'new content');
  });

  test(
    'REST + STOR onto an existing file gets 550 too',
    async () => {
      assert.equal((await client.send('REST 1')).code, 350);
      assert.equal(await replyCode(client.uploadFrom(payload(), 'resume.bin')), 550);
      assert.equal(sha256(await readFile(onDisk('resume.bin'))), sha256(original));
    },
  );
});
