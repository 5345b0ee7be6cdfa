// RFC 2577 data-port protections: passive connections only from the control peer, PORT/EPRT only to
// the client's own address and unprivileged ports (FXP off), one-shot passive ports with a timeout.
import assert from 'node:assert/strict';
import net from 'node:net';
import { after, before, describe, test } from 'node:test';
import { RawFtpClient, readAll } from '../helpers/raw-ftp-client.js';
import { DEFAULT_USER, startTestServer, type TestServer } from '../helpers/test-server.js';

function pasvPort(text: string): number {
  const m = /(\d+),(\d+)\)/.exec(text)!;
  return Number(m[1]) * 256 + Number(m[2]);
}

/** Connect from a chosen loopback address; resolves with what happened to the socket. */
function connectFrom(localAddress: string, port: number): Promise<{ socket: net.Socket; closedWithoutData: Promise<boolean> }> {
  return new Promise((resolve, reject) => {
    const socket = net.connect({ host: '127.0.0.1', port, localAddress });
    socket.once('error', reject);
    socket.once('connect', () => {
      const closedWithoutData = new Promise<boolean>((done) => {
        let data = false;
        socket.on('data', () => (data = true));
        socket.on('error', () => {});
        socket.on('close', () => done(!data));
      });
      resolve({ socket, closedWithoutData });
    });
  });
}

describe('data ports (defaults: FXP off)', () => {
  let server: TestServer;
  before(async () => {
    server = await startTestServer({ config: { timeouts: { dataConnect: 1 } } });
  });
  after(() => server.stop());

  test('a passive connection from another address is dropped; the client\'s own still works', async () => {
    const client = await RawFtpClient.login(server.host, server.port, DEFAULT_USER.name, DEFAULT_USER.password);
    const port = pasvPort((await client.send('PASV')).text);
    const thief = await connectFrom('127.0.0.2', port);
    assert.equal(await thief.closedWithoutData, true, 'the foreign connection was closed');
    const own = await connectFrom('127.0.0.1', port);
    assert.equal((await client.send('NLST')).code, 150);
    await readAll(own.socket);
    assert.equal((await client.read()).code, 226);
    client.destroy();
  });

  test('PORT/EPRT to another host or a privileged port are refused with 501', async () => {
    const client = await RawFtpClient.login(server.host, server.port, DEFAULT_USER.name, DEFAULT_USER.password);
    const foreign = await client.send('PORT 127,0,0,2,200,10');
    assert.equal(foreign.code, 501);
    assert.match(foreign.text, /own address/);
    assert.equal((await client.send('EPRT |1|10.0.0.1|5000|')).code, 501);
    const low = await client.send('PORT 127,0,0,1,0,25');
    assert.equal(low.code, 501);
    assert.match(low.text, /privileged port/);
    assert.equal((await client.send('PORT 127,0,0,1,200,10')).code, 200);
    client.destroy();
  });

  test('a passive port nobody connects to closes after the data-connect timeout, and is used once', async () => {
    const client = await RawFtpClient.login(server.host, server.port, DEFAULT_USER.name, DEFAULT_USER.password);
    const port = pasvPort((await client.send('PASV')).text);
    await new Promise((r) => setTimeout(r, 1500));
    await assert.rejects(connectFrom('127.0.0.1', port), /ECONNREFUSED/);
    const reply = await client.send('NLST');
    assert.equal(reply.code, 150);
    const fail = await client.read();
    assert.equal(fail.code, 425);
    assert.match(fail.text, /timed out/);
    // One connection per PASV: after it is taken the port is closed.
    const port2 = pasvPort((await client.send('PASV')).text);
    const first = await connectFrom('127.0.0.1', port2);
    await new Promise((r) => setTimeout(r, 100));
    await assert.rejects(connectFrom('127.0.0.1', port2), /ECONNREFUSED/);
    first.socket.destroy();
    client.destroy();
  });
});

describe('data ports with passive.allowForeignAddress (FXP on)', () => {
  let server: TestServer;
  before(async () => {
    server = await startTestServer({ config: { passive: { minPort: 0, maxPort: 0, allowForeignAddress: true } } });
  });
  after(() => server.stop());

  test('PORT to another address is accepted and a passive connection from another address is used', async () => {
    const client = await RawFtpClient.login(server.host, server.port, DEFAULT_USER.name, DEFAULT_USER.password);
    assert.equal((await client.send('PORT 127,0,0,2,200,10')).code, 200);
    const port = pasvPort((await client.send('PASV')).text);
    const other = await connectFrom('127.0.0.2', port);
    assert.equal((await client.send('NLST')).code, 150);
    await readAll(other.socket);
    assert.equal((await client.read()).code, 226);
    client.destroy();
  });
});
