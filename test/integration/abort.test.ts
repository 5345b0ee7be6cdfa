// Integration (raw plain-FTP client): ABOR during a transfer (RFC 959 4.1.3: 426 for the transfer,
// then 226 for the ABOR), a client dropping the data connection mid-transfer, and interrupted uploads
// that never replace a good file (hidden stores). The session keeps working after each.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { readdir, readFile, writeFile } from 'node:fs/promises';
import type net from 'node:net';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { after, before, describe, test } from 'node:test';
import { connectClient } from '../helpers/connect-client.js';
import { HashSink } from '../helpers/hash-sink.js';
import { RawFtpClient, readAll } from '../helpers/raw-ftp-client.js';
import { replyCode } from '../helpers/reply-code.js';
import { repeatingSha256, repeatingSource } from '../helpers/repeating-source.js';
import { sha256 } from '../helpers/sha256.js';
import { startTestServer, type TestServer } from '../helpers/test-server.js';

const MiB = 1024 * 1024;
const BIG = 50 * MiB;

/** Resolves once `socket` has delivered at least `bytes`, then pauses it (a stalled reader). */
function receiveThenStall(socket: net.Socket, bytes: number): Promise<number> {
  return new Promise((resolve, reject) => {
    let got = 0;
    const onData = (chunk: Buffer) => {
      got += chunk.length;
      if (got >= bytes) {
        socket.pause();
        socket.removeListener('data', onData);
        resolve(got);
      }
    };
    socket.on('data', onData);
    socket.once('error', reject);
  });
}

/** Resolves when the socket is closed (by the server, after an abort). */
function closedOf(socket: net.Socket): Promise<void> {
  return new Promise((resolve) => {
    if (socket.destroyed) return resolve();
    socket.once('close', () => resolve());
    socket.resume(); // drain, so a FIN behind buffered data is seen
  });
}

describe('abort and interrupted transfers', () => {
  let server: TestServer;
  let raw: RawFtpClient;
  const block = randomBytes(MiB);
  const bigSha = repeatingSha256(block, BIG);
  const onDisk = (name: string) => path.join(server.user.home, name);

  before(async () => {
    server = await startTestServer();
    raw = await RawFtpClient.login(server.host, server.port, server.user.name, server.user.password);
    assert.equal((await raw.send('TYPE I')).code, 200);
    await pipeline(repeatingSource(block, BIG), createWriteStream(onDisk('big.bin')));
  });
  after(async () => {
    await raw.close();
    await server.stop();
  });

  test('ABOR with no transfer gets 225', async () => {
    assert.equal((await raw.send('ABOR')).code, 225);
  });

  test('ABOR during a 50 MiB download: 426, then 226, and the session goes on', async () => {
    const data = await raw.pasv();
    const opening = await raw.send('RETR big.bin');
    assert.equal(opening.code, 150, opening.text);
    const received = await receiveThenStall(data, 256 * 1024);
    // STAT is answered during a transfer too (RFC 959: it may be sent while a transfer runs).
    const status = await raw.send('STAT');
    assert.equal(status.code, 213);
    const progress = /RETR \/big\.bin: (\d+) bytes transferred/.exec(status.text);
    assert.ok(progress, status.text);
    // At least what arrived (plain downloads go through sendfile, which the socket's counters miss).
    assert.ok(Number(progress[1]) >= received, `${progress[1]} bytes reported, ${received} received`);

    const first = await raw.send('ABOR');
    assert.equal(first.code, 426, first.text);
    const second = await raw.read();
    assert.equal(second.code, 226, second.text);
    await closedOf(data);
    assert.ok(received < BIG);
    assert.equal((await raw.send('NOOP')).code, 200);

    // The file is untouched and a fresh download is whole.
    const again = await raw.pasv();
    const [retr, body] = await Promise.all([raw.send('RETR big.bin'), readAll(again)]);
    assert.equal(retr.code, 150);
    assert.equal((await raw.read()).code, 226);
    assert.equal(body.length, BIG);
    assert.equal(sha256(body), bigSha);
  });

  test('ABOR during a download over FTPS (PROT P) into a slow writable: 426, then 226', async () => {
    const client = await connectClient(server);
    try {
      const sink = new HashSink({ delayMs: 2 });
      const download = replyCode(client.downloadTo(sink, 'big.bin'));
      const deadline = Date.now() + 10_000;
      while (sink.bytes < 256 * 1024 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
      assert.ok(sink.bytes >= 256 * 1024, 'the download started');
      // basic-ftp has no ABOR call: write it on its control socket, and watch the replies go by
      // so the 226 that follows the 426 is not taken as the answer to the next command.
      const control = client.ftp.socket;
      let seen = '';
      const both = new Promise<void>((resolve) => {
        const onData = (chunk: string | Buffer) => {
          seen += chunk.toString();
          if (/^426 /m.test(seen) && /^226 /m.test(seen)) {
            control.removeListener('data', onData);
            resolve();
          }
        };
        control.on('data', onData);
      });
      control.write('ABOR\r\n');
      assert.equal(await download, 426);
      await both;
      assert.ok(seen.indexOf('426 ') < seen.indexOf('226 '), seen);
      assert.ok(sink.bytes < BIG);
      assert.equal((await client.send('NOOP')).code, 200);
      const whole = new HashSink();
      assert.equal((await client.downloadTo(whole, 'big.bin')).code, 226);
      assert.equal(whole.sha256, bigSha);
    } finally {
      client.close();
    }
  });

  test('the client closing the data connection mid-download gets 426; the session goes on', async () => {
    const data = await raw.pasv();
    assert.equal((await raw.send('RETR big.bin')).code, 150);
    await receiveThenStall(data, 128 * 1024);
    data.destroy();
    const reply = await raw.read();
    assert.equal(reply.code, 426, reply.text);
    assert.equal((await raw.send('NOOP')).code, 200);
    assert.equal((await raw.send('SIZE big.bin')).text, `213 ${BIG}`);
  });

  describe('interrupted uploads never replace a good file', () => {
    const good = randomBytes(MiB);
    before(async () => {
      await writeFile(onDisk('good.bin'), good);
    });

    async function assertGoodFileIntact(): Promise<void> {
      assert.equal(sha256(await readFile(onDisk('good.bin'))), sha256(good));
      const leftovers = (await readdir(server.user.home)).filter((n) => n.startsWith('.'));
      assert.deepEqual(leftovers, [], 'no hidden temporary upload is left behind');
    }

    test('the data connection reset half-way: 426, old content kept', async () => {
      const data = await raw.pasv();
      assert.equal((await raw.send('STOR good.bin')).code, 150);
      await new Promise<void>((resolve) => data.write(randomBytes(512 * 1024), () => resolve()));
      data.resetAndDestroy(); // an abortive close (RST): the upload is incomplete, not finished
      const reply = await raw.read();
      assert.equal(reply.code, 426, reply.text);
      await assertGoodFileIntact();
      assert.equal((await raw.send('NOOP')).code, 200);
    });

    test('ABOR half-way through an upload: STAT shows what arrived, then 426 then 226, old content kept', async () => {
      const data = await raw.pasv();
      assert.equal((await raw.send('STOR good.bin')).code, 150);
      await new Promise<void>((resolve) => data.write(randomBytes(512 * 1024), () => resolve()));
      // An upload thread reports what it wrote every quarter of a second: ask until all of it shows.
      let reported = 0;
      for (let attempt = 0; attempt < 50 && reported < 512 * 1024; attempt++) {
        if (attempt > 0) await new Promise((resolve) => setTimeout(resolve, 100));
        const status = await raw.send('STAT');
        assert.equal(status.code, 213);
        const progress = /STOR \/good\.bin: (\d+) bytes transferred/.exec(status.text);
        assert.ok(progress, status.text);
        reported = Number(progress[1]);
      }
      assert.equal(reported, 512 * 1024);
      const first = await raw.send('ABOR');
      assert.equal(first.code, 426, first.text);
      assert.equal((await raw.read()).code, 226);
      data.destroy();
      await assertGoodFileIntact();
    });

    test('a complete upload afterwards replaces it', async () => {
      const fresh = randomBytes(300_000);
      const data = await raw.pasv();
      assert.equal((await raw.send('STOR good.bin')).code, 150);
      await new Promise<void>((resolve) => data.end(fresh, () => resolve()));
      assert.equal((await raw.read()).code, 226);
      assert.equal(sha256(await readFile(onDisk('good.bin'))), sha256(fresh));
    });
  });
});
