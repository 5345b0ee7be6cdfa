// A protected download's data connection is handshaken as soon as its command arrives, before the file
// is opened (DataChannel.beginSecure): what a client can see of that, and what it must not change.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import tls from 'node:tls';
import { FtpsControlClient } from '../helpers/ftps-control-client.js';
import { sha256 } from '../helpers/sha256.js';
import { DEFAULT_USER, startTestServer, type TestServer } from '../helpers/test-server.js';

const WITHIN = { timeout: 20_000 };

interface DataConnection {
  socket: tls.TLSSocket;
  /** Settles once the client's side of the TLS handshake is done (or failed). */
  secured: Promise<void>;
  /** Everything received, once the connection closed. */
  received: Promise<Buffer>;
}

/** EPSV, then a protected data connection offering the control connection's TLS session. */
async function openProtectedData(c: FtpsControlClient): Promise<DataConnection> {
  const epsv = await c.send('EPSV');
  const port = Number(/\|\|\|(\d+)\|/.exec(epsv.text)?.[1]);
  assert.equal(epsv.code, 229, epsv.text);
  const socket = tls.connect({ host: '127.0.0.1', port, rejectUnauthorized: false, session: c.session });
  socket.on('error', () => {});
  const secured = new Promise<void>((resolve, reject) => {
    socket.once('secureConnect', () => resolve());
    socket.once('close', () => reject(new Error('data connection closed before its handshake')));
  });
  secured.catch(() => {});
  const chunks: Buffer[] = [];
  socket.on('data', (chunk: Buffer) => chunks.push(chunk));
  const received = new Promise<Buffer>((resolve) => socket.once('close', () => resolve(Buffer.concat(chunks))));
  await new Promise<void>((resolve) => socket.once('connect', () => resolve()));
  return { socket, secured, received };
}

function within<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer!: NodeJS.Timeout;
  const timeout = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`${what}: not within ${ms} ms`)), ms)));
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

describe('the TLS handshake of a download\'s data connection starts with its command', () => {
  let server: TestServer;
  let client: FtpsControlClient;
  const content = randomBytes(300_000);

  before(async () => {
    server = await startTestServer({ config: { tls: { mode: 'required', implicit: { enabled: false } } } });
    await writeFile(path.join(server.user.home, 'a.bin'), content);
  });

  after(async () => {
    await client?.close();
    await server?.stop();
  });

  test('a RETR refused with 550 has already handshaken the connection; the next RETR uses it', WITHIN, async () => {
    client = await FtpsControlClient.connect('127.0.0.1', server.port);
    assert.equal((await client.auth()).code, 234);
    assert.equal((await client.login(DEFAULT_USER.name, DEFAULT_USER.password)).code, 230);
    assert.equal((await client.send('PBSZ 0')).code, 200);
    assert.equal((await client.send('PROT P')).code, 200);
    assert.equal((await client.send('TYPE I')).code, 200);

    const data = await openProtectedData(client);
    const missing = await client.send('RETR missing.bin');
    assert.equal(missing.code, 550, missing.text);
    // Only the early handshake completes it: the refused command never reached a transfer.
    await within(data.secured, 5_000, 'data handshake after the 550');
    assert.equal(data.socket.isSessionReused(), true, 'it resumed the control connection\'s session');

    const retr = await client.send('RETR a.bin');
    assert.equal(retr.code, 150, retr.text);
    assert.equal(sha256(await within(data.received, 10_000, 'download')), sha256(content));
    assert.equal((await client.read()).code, 226);
  });

  test('an upload on the connection a refused RETR left is refused with 425; a new EPSV works', WITHIN, async () => {
    const data = await openProtectedData(client);
    assert.equal((await client.send('RETR missing.bin')).code, 550);
    await within(data.secured, 5_000, 'data handshake after the 550');
    const stor = await client.send('STOR up.bin');
    assert.equal(stor.code, 425, stor.text);
    assert.match(stor.text, /PASV or EPSV again/);
    await within(data.received, 5_000, 'the server closing the refused connection');

    const upload = randomBytes(200_000);
    const result = await client.transfer('STOR up.bin', { protect: true, upload });
    assert.equal(result.final?.code, 226, result.final?.text);
    assert.equal(sha256(await readFile(path.join(server.user.home, 'up.bin'))), sha256(upload));
  });

  test('listings and downloads after it still work, each on a resumed session', WITHIN, async () => {
    for (const command of ['LIST', 'MLSD', 'NLST', 'RETR a.bin', 'RETR up.bin']) {
      const result = await client.transfer(command, { protect: true });
      assert.equal(result.final?.code, 226, `${command}: ${result.final?.text}`);
      assert.equal(result.sessionReused, true, command);
    }
  });
});
