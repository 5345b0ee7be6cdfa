// A protected passive data connection is handshaken as soon as it is accepted, before its command
// (DataChannel.beginSecure), and its new TLS tickets wait for its transfer (ticket-hold.ts): a
// download's go out with its first bytes, an upload's after its last. What a client can see of that,
// and what it must not change.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { FtpsControlClient, withTimeout } from '../helpers/ftps-control-client.js';
import { sha256 } from '../helpers/sha256.js';
import { DEFAULT_USER, startTestServer, type TestServer } from '../helpers/test-server.js';

const WITHIN = { timeout: 20_000 };

describe('the TLS handshake of a protected data connection starts as it is accepted', () => {
  let server: TestServer;
  let client: FtpsControlClient;
  const content = randomBytes(300_000);

  before(async () => {
    // Clear data connections allowed, so PROT C reaches the data channel (required data would get 521 first).
    server = await startTestServer({ config: { tls: { mode: 'required', data: 'optional', implicit: { enabled: false } } } });
    await writeFile(path.join(server.user.home, 'a.bin'), content);
  });

  after(async () => {
    await client?.close();
    await server?.stop();
  });

  test('the handshake completes before any command; the download then gets its new ticket first', WITHIN, async () => {
    client = await FtpsControlClient.connect('127.0.0.1', server.port);
    assert.equal((await client.auth()).code, 234);
    assert.equal((await client.login(DEFAULT_USER.name, DEFAULT_USER.password)).code, 230);
    assert.equal((await client.send('PBSZ 0')).code, 200);
    assert.equal((await client.send('PROT P')).code, 200);
    assert.equal((await client.send('TYPE I')).code, 200);

    const data = await client.openData({ protect: true });
    // As curl does: it waits for the data connection's handshake before it sends the command.
    await withTimeout(data.secured, 5_000, 'data handshake before any command');
    assert.equal(data.sessionReused, true, 'it resumed the control connection\'s session');
    await new Promise((resolve) => setTimeout(resolve, 200));
    assert.equal(data.tickets, 0, 'no ticket while the direction is unknown');

    const retr = await client.send('RETR a.bin');
    assert.equal(retr.code, 150, retr.text);
    assert.equal(sha256(await withTimeout(data.received, 10_000, 'download')), sha256(content));
    assert.equal((await client.read()).code, 226);
    assert.equal(data.tickets, 1, 'a fresh ticket for the next data connection (curl resumes with it)');
    assert.equal(data.ticketsBeforeData, 1, 'the ticket came ahead of the data');
  });

  test('an upload on a connection handshaken before its command gets no ticket while it sends; bytes intact', WITHIN, async () => {
    const data = await client.openData({ protect: true });
    await withTimeout(data.secured, 5_000, 'data handshake before any command');
    const stor = await client.send('STOR early-up.bin');
    assert.equal(stor.code, 150, stor.text);
    const upload = randomBytes(2 * 1024 * 1024 + 3);
    for (let at = 0; at < upload.length; at += 256 * 1024) {
      const piece = upload.subarray(at, at + 256 * 1024);
      await new Promise<void>((resolve, reject) => data.socket.write(piece, (err) => (err ? reject(err) : resolve())));
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
    assert.equal(data.tickets, 0, 'no ticket arrived while the client was sending (curl 7.88 loses data then)');
    data.socket.end();
    await withTimeout(data.received, 10_000, 'the server closing the upload connection');
    assert.equal(data.error, undefined, String(data.error));
    assert.equal((await client.read()).code, 226);
    assert.equal(sha256(await readFile(path.join(server.user.home, 'early-up.bin'))), sha256(upload));
  });

  test('a RETR refused with 550 leaves its handshaken connection; the next RETR uses it', WITHIN, async () => {
    const data = await client.openData({ protect: true });
    const missing = await client.send('RETR missing.bin');
    assert.equal(missing.code, 550, missing.text);
    await withTimeout(data.secured, 5_000, 'data handshake after the 550');
    assert.equal(data.sessionReused, true, 'it resumed the control connection\'s session');

    const retr = await client.send('RETR a.bin');
    assert.equal(retr.code, 150, retr.text);
    assert.equal(sha256(await withTimeout(data.received, 10_000, 'download')), sha256(content));
    assert.equal((await client.read()).code, 226);
  });

  test('an upload may take the connection a refused RETR left: its ticket still waits; bytes intact', WITHIN, async () => {
    const data = await client.openData({ protect: true });
    assert.equal((await client.send('RETR missing.bin')).code, 550);
    await withTimeout(data.secured, 5_000, 'data handshake after the 550');
    const stor = await client.send('STOR up.bin');
    assert.equal(stor.code, 150, stor.text);
    const upload = randomBytes(200_000);
    await new Promise<void>((resolve, reject) => data.socket.write(upload, (err) => (err ? reject(err) : resolve())));
    await new Promise((resolve) => setTimeout(resolve, 100));
    assert.equal(data.tickets, 0, 'no ticket while the client sends');
    data.socket.end();
    await withTimeout(data.received, 10_000, 'the server closing the upload connection');
    assert.equal((await client.read()).code, 226);
    assert.equal(sha256(await readFile(path.join(server.user.home, 'up.bin'))), sha256(upload));
  });

  test('after PROT C, a download on a connection handshaken under PROT P is refused with 425', WITHIN, async () => {
    const data = await client.openData({ protect: true });
    await withTimeout(data.secured, 5_000, 'data handshake before any command');
    assert.equal((await client.send('PROT C')).code, 200);
    const retr = await client.send('RETR a.bin');
    assert.equal(retr.code, 425, retr.text);
    assert.match(retr.text, /PASV or EPSV again/);
    await withTimeout(data.received, 5_000, 'the server closing the refused connection');
    assert.equal((await client.send('PROT P')).code, 200);
  });

  test('listings and downloads after it still work, each on a resumed session', WITHIN, async () => {
    for (const command of ['LIST', 'MLSD', 'NLST', 'RETR a.bin', 'RETR up.bin']) {
      const result = await client.transfer(command, { protect: true });
      assert.equal(result.final?.code, 226, `${command}: ${result.final?.text}`);
      assert.equal(result.sessionReused, true, command);
    }
  });
});
