// Integration: resumed transfers (RFC 3659 section 5 REST STREAM, RFC 959 APPE) over explicit FTPS:
// REST + RETR yields the exact tail, APPE and REST + STOR complete a partial upload byte for byte.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { after, before, describe, test } from 'node:test';
import type { Client } from 'basic-ftp';
import { connectClient } from '../helpers/connect-client.js';
import { HashSink } from '../helpers/hash-sink.js';
import { replyCode } from '../helpers/reply-code.js';
import { sha256, sha256File } from '../helpers/sha256.js';
import { startTestServer, type TestServer } from '../helpers/test-server.js';

const MiB = 1024 * 1024;

describe('resume', () => {
  let server: TestServer;
  let client: Client;
  let local: string;
  const full = randomBytes(3 * MiB + 123);
  const onDisk = (name: string) => path.join(server.user.home, name);

  before(async () => {
    server = await startTestServer();
    client = await connectClient(server);
    await writeFile(onDisk('full.bin'), full);
    local = await mkdtemp(path.join(os.tmpdir(), 'ferry-resume-'));
  });
  after(async () => {
    client.close();
    await server.stop();
    await rm(local, { recursive: true, force: true });
  });

  describe('download (REST + RETR)', () => {
    for (const startAt of [1, MiB, 3 * MiB + 122]) {
      test(`from offset ${startAt} gives exactly the tail`, async () => {
        const sink = new HashSink({ keep: true });
        const res = await client.downloadTo(sink, 'full.bin', startAt);
        assert.equal(res.code, 226);
        assert.equal(sink.bytes, full.length - startAt);
        assert.ok(sink.data.equals(full.subarray(startAt)));
      });
    }

    test('from the very end gives 0 bytes', async () => {
      const sink = new HashSink();
      assert.equal((await client.downloadTo(sink, 'full.bin', full.length)).code, 226);
      assert.equal(sink.bytes, 0);
    });

    test('completes a partial local file to the full hash', async () => {
      const file = path.join(local, 'partial.bin');
      const have = 1_234_567;
      await writeFile(file, full.subarray(0, have));
      assert.equal((await client.downloadTo(file, 'full.bin', have)).code, 226);
      assert.equal(await sha256File(file), sha256(full));
    });

    test('an offset beyond the end gets 501 and the session goes on', async () => {
      assert.equal(await replyCode(client.downloadTo(new HashSink(), 'full.bin', full.length + 1)), 501);
      // The offset does not linger: the next plain download is whole.
      const sink = new HashSink();
      assert.equal((await client.downloadTo(sink, 'full.bin')).code, 226);
      assert.equal(sink.sha256, sha256(full));
    });

    test('REST takes a whole number', async () => {
      assert.equal(await replyCode(client.send('REST abc')), 501);
      assert.equal(await replyCode(client.send('REST -5')), 501);
      assert.equal((await client.send('REST 0')).code, 350);
    });
  });

  describe('upload', () => {
    test('APPE completes a partial upload', async () => {
      const cut = 2 * MiB + 17;
      assert.equal((await client.uploadFrom(Readable.from([full.subarray(0, cut)]), 'appended.bin')).code, 226);
      assert.equal(await sha256File(onDisk('appended.bin')), sha256(full.subarray(0, cut)));
      assert.equal((await client.appendFrom(Readable.from([full.subarray(cut)]), 'appended.bin')).code, 226);
      assert.equal(await sha256File(onDisk('appended.bin')), sha256(full));
    });

    test('APPE to a missing file creates it', async () => {
      const data = randomBytes(4096);
      assert.equal((await client.appendFrom(Readable.from([data]), 'appe-new.bin')).code, 226);
      assert.equal(sha256(await readFile(onDisk('appe-new.bin'))), sha256(data));
    });

    test('APPE from a local file with localStart (what clients do to resume)', async () => {
      const cut = 700_001;
      await writeFile(onDisk('appe-local.bin'), full.subarray(0, cut));
      const file = path.join(local, 'source.bin');
      await writeFile(file, full);
      assert.equal((await client.appendFrom(file, 'appe-local.bin', { localStart: cut })).code, 226);
      assert.equal(await sha256File(onDisk('appe-local.bin')), sha256(full));
    });

    test('REST n + STOR keeps the first n bytes and writes the rest', async () => {
      const cut = MiB + 5;
      await writeFile(onDisk('rest-stor.bin'), full.subarray(0, cut));
      assert.equal((await client.send(`REST ${cut}`)).code, 350);
      // basic-ftp sends EPSV then STOR: the offset survives the EPSV in between.
      assert.equal((await client.uploadFrom(Readable.from([full.subarray(cut)]), 'rest-stor.bin')).code, 226);
      assert.equal(await sha256File(onDisk('rest-stor.bin')), sha256(full));
    });

    test('REST n + STOR drops a damaged tail beyond n', async () => {
      const cut = 500_000;
      await writeFile(onDisk('rest-tail.bin'), Buffer.concat([full.subarray(0, cut), randomBytes(3 * MiB)]));
      assert.equal((await client.send(`REST ${cut}`)).code, 350);
      assert.equal((await client.uploadFrom(Readable.from([full.subarray(cut)]), 'rest-tail.bin')).code, 226);
      assert.equal(await sha256File(onDisk('rest-tail.bin')), sha256(full));
    });

    test('REST beyond the end + STOR gets 501 and leaves the file alone', async () => {
      const small = randomBytes(10);
      await writeFile(onDisk('rest-short.bin'), small);
      assert.equal((await client.send('REST 1000')).code, 350);
      assert.equal(await replyCode(client.uploadFrom(Readable.from([randomBytes(100)]), 'rest-short.bin')), 501);
      assert.equal(sha256(await readFile(onDisk('rest-short.bin'))), sha256(small));
      assert.equal((await client.send('NOOP')).code, 200);
    });

    test('a STOR after a completed resume starts from 0 again', async () => {
      const data = randomBytes(2000);
      assert.equal((await client.uploadFrom(Readable.from([data]), 'rest-stor.bin')).code, 226);
      assert.equal(sha256(await readFile(onDisk('rest-stor.bin'))), sha256(data));
    });
  });
});
