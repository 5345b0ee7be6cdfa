// Slow and broken clients: trickled bytes (slowloris), a client that never reads its download, clients
// that vanish mid-transfer. The server closes them within its timeouts, keeps serving others, and
// leaks no file descriptors or memory.
import assert from 'node:assert/strict';
import { readdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { after, before, describe, test } from 'node:test';
import { RawFtpClient, readAll } from '../helpers/raw-ftp-client.js';
import { DEFAULT_USER, startTestServer, type TestServer } from '../helpers/test-server.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Write `text` one byte at a time, `ms` apart, until the socket closes. */
async function trickle(client: RawFtpClient, text: string, ms: number): Promise<void> {
  for (const ch of text) {
    if (client.socket.destroyed) return;
    client.socket.write(ch);
    await sleep(ms);
  }
}

async function canStillServe(server: TestServer): Promise<void> {
  const other = await RawFtpClient.login(server.host, server.port, DEFAULT_USER.name, DEFAULT_USER.password);
  const data = await other.pasv();
  assert.equal((await other.send('NLST')).code, 150);
  await readAll(data);
  assert.equal((await other.read()).code, 226);
  await other.close();
}

describe('slow clients', () => {
  let server: TestServer;
  before(async () => {
    server = await startTestServer({ config: { timeouts: { login: 1, idle: 1, dataIdle: 1 } } });
    await writeFile(path.join(server.user.home, 'big.bin'), Buffer.alloc(64 * 1024 * 1024, 7));
  });
  after(() => server.stop());

  test('slowloris before login: closed by the login timeout while others are served', async () => {
    const slow = await RawFtpClient.connect(server.host, server.port);
    void trickle(slow, 'USER ' + 'a'.repeat(100), 100);
    await canStillServe(server);
    const reply = await slow.read();
    assert.equal(reply.code, 421);
    assert.match(reply.text, /Login timeout/);
    await slow.closed;
  });

  test('slowloris after login: a command that never ends is closed by the idle timeout', async () => {
    const slow = await RawFtpClient.login(server.host, server.port, DEFAULT_USER.name, DEFAULT_USER.password);
    void trickle(slow, 'NOOP' + ' '.repeat(100), 100);
    const reply = await slow.read();
    assert.equal(reply.code, 421);
    assert.match(reply.text, /Idle timeout/);
    await slow.closed;
  });

  // TYPE A goes through Ferry's buffers; TYPE I through sendfile, on a download thread once the socket is full.
  for (const type of ['A', 'I']) {
    test(`a client that never reads its download (TYPE ${type}) gets 426 after the data idle timeout; its session goes on`, async () => {
      const client = await RawFtpClient.login(server.host, server.port, DEFAULT_USER.name, DEFAULT_USER.password);
      assert.equal((await client.send(`TYPE ${type}`)).code, 200);
      const data = await client.pasv();
      data.pause(); // never read
      assert.equal((await client.send('RETR big.bin')).code, 150);
      const reply = await client.read();
      assert.equal(reply.code, 426);
      assert.match(reply.text, /idle/);
      assert.equal((await client.send('NOOP')).code, 200);
      data.destroy();
      await client.close();
    });
  }

  // Plain binary downloads that fill the socket go on a thread of their own (storage.downloadThreads),
  // whose bytes Node's socket timer does not see either: the thread's progress reports keep it going.
  test('a download read slowly for longer than the data idle timeout, never pausing that long, completes', async () => {
    await writeFile(path.join(server.user.home, 'slow-read.bin'), Buffer.alloc(24 * 1024 * 1024, 3));
    const client = await RawFtpClient.login(server.host, server.port, DEFAULT_USER.name, DEFAULT_USER.password);
    assert.equal((await client.send('TYPE I')).code, 200); // binary: sendfile, and a thread once the socket is full
    const data = await client.pasv();
    assert.equal((await client.send('RETR slow-read.bin')).code, 150);
    const started = Date.now();
    let received = 0;
    let nextPause = 2 * 1024 * 1024;
    for await (const chunk of data as AsyncIterable<Buffer>) {
      received += chunk.length;
      if (received >= nextPause) {
        nextPause += 2 * 1024 * 1024;
        await sleep(200); // about 10 MB/s: 2.4 s in all, against a 1 s idle timeout
      }
    }
    assert.equal(received, 24 * 1024 * 1024);
    assert.ok(Date.now() - started > 1500, `took ${Date.now() - started} ms, longer than the idle timeout`);
    assert.equal((await client.read()).code, 226);
    await client.close();
  });

  // Plain binary uploads are received on a thread of their own (storage.uploadThreads), which Node's
  // socket timer does not see: the thread reports its progress to keep the timer going.
  test('an upload that stalls gets 426 after the data idle timeout, and nothing of it is kept; its session goes on', async () => {
    const client = await RawFtpClient.login(server.host, server.port, DEFAULT_USER.name, DEFAULT_USER.password);
    const data = await client.pasv();
    assert.equal((await client.send('STOR stalled.bin')).code, 150);
    data.write(Buffer.alloc(100_000, 3)); // then nothing, with the connection open
    const reply = await client.read();
    assert.equal(reply.code, 426);
    assert.match(reply.text, /idle/);
    assert.equal((await client.send('SIZE stalled.bin')).code, 550);
    assert.equal((await client.send('NOOP')).code, 200);
    data.destroy();
    await client.close();
  });

  test('an upload that trickles for longer than the data idle timeout, never pausing that long, completes', async () => {
    const client = await RawFtpClient.login(server.host, server.port, DEFAULT_USER.name, DEFAULT_USER.password);
    const data = await client.pasv();
    assert.equal((await client.send('STOR trickled.bin')).code, 150);
    const piece = Buffer.alloc(4096, 5);
    for (let i = 0; i < 12; i++) {
      data.write(piece);
      await sleep(200); // 2.4 s in all, against a 1 s idle timeout
    }
    data.end();
    assert.equal((await client.read()).code, 226);
    assert.equal((await client.send('SIZE trickled.bin')).text, `213 ${12 * 4096}`);
    await client.close();
  });
});

function openFds(): Promise<number> {
  return readdir('/proc/self/fd').then((l) => l.length);
}

describe('no leaks after broken sessions', () => {
  let server: TestServer;
  before(async () => {
    server = await startTestServer();
    await writeFile(path.join(server.user.home, 'mid.bin'), Buffer.alloc(8 * 1024 * 1024, 1));
  });
  after(() => server.stop());

  test('40 sessions that vanish mid-transfer leave fds and heap where they were', { skip: process.platform !== 'linux' && 'needs /proc' }, async () => {
    setFlagsFromString('--expose-gc');
    const gc = runInNewContext('gc') as () => void;
    const round = async (i: number) => {
      const client = await RawFtpClient.login(server.host, server.port, DEFAULT_USER.name, DEFAULT_USER.password);
      // Binary ones go to transfer threads (plain, native helper built), ASCII ones through the event loop.
      assert.equal((await client.send(`TYPE ${i % 4 < 2 ? 'I' : 'A'}`)).code, 200);
      const data = await client.pasv();
      assert.equal((await client.send(i % 2 ? 'RETR mid.bin' : 'STOR up.bin')).code, 150);
      if (i % 2) await new Promise((r) => data.once('data', r));
      else data.write(Buffer.alloc(64 * 1024));
      data.destroy();
      if (i % 3 === 0) await client.read(); // 426
      client.destroy();
    };
    await round(1); // warm up lazily created state
    await sleep(200);
    gc();
    const fdsBefore = await openFds();
    const heapBefore = process.memoryUsage().heapUsed;
    for (let i = 0; i < 40; i++) await round(i);
    for (let i = 0; i < 200 && server.running.server.sessions.size > 0; i++) await sleep(25);
    assert.equal(server.running.server.sessions.size, 0, 'every session ended');
    await sleep(200);
    gc();
    const fdsAfter = await openFds();
    const heapAfter = process.memoryUsage().heapUsed;
    assert.ok(fdsAfter <= fdsBefore + 2, `fds ${fdsBefore} -> ${fdsAfter}`);
    assert.ok(heapAfter - heapBefore < 8 * 1024 * 1024, `heap grew by ${((heapAfter - heapBefore) / 1048576).toFixed(1)} MiB`);
    await canStillServe(server);
  });
});
