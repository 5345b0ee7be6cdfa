// A control connection whose TLS handshake fails (AUTH TLS, then no TLS; implicit FTPS spoken to in
// plain text; a hang-up mid-handshake): the server closes it, forgets its session, and serves the
// next client.
import assert from 'node:assert/strict';
import net from 'node:net';
import { after, before, describe, test } from 'node:test';
import { FtpsControlClient } from '../helpers/ftps-control-client.js';
import { startTestServer, type TestServer } from '../helpers/test-server.js';

const WITHIN = { timeout: 15_000 };

describe('a failed TLS handshake on the control connection', () => {
  let server: TestServer;
  const opened: net.Socket[] = [];

  before(async () => {
    server = await startTestServer();
  });

  after(async () => {
    for (const s of opened) s.destroy();
    await server?.stop();
  });

  function connectRaw(port: number): Promise<net.Socket> {
    return new Promise((resolve, reject) => {
      const socket = net.connect(port, '127.0.0.1', () => resolve(socket));
      socket.once('error', reject);
      opened.push(socket);
    });
  }

  /** Reads until a line starting with `code ` arrives. */
  function replyLine(socket: net.Socket, code: number): Promise<string> {
    return new Promise((resolve, reject) => {
      let text = '';
      const onData = (chunk: Buffer) => {
        text += chunk.toString('latin1');
        const line = text.split('\r\n').find((l) => l.startsWith(`${code} `));
        if (line !== undefined) {
          socket.removeListener('data', onData);
          resolve(line);
        }
      };
      socket.on('data', onData);
      socket.once('close', () => reject(new Error(`closed before ${code}: ${JSON.stringify(text)}`)));
    });
  }

  /** Resolves once the server has closed `socket`. */
  function closedByServer(socket: net.Socket): Promise<void> {
    socket.on('error', () => {});
    socket.resume();
    return new Promise((resolve) => (socket.destroyed ? resolve() : socket.once('close', () => resolve())));
  }

  async function noSessionsLeft(): Promise<void> {
    const until = Date.now() + 3_000;
    while (server.running.server.sessions.size > 0 && Date.now() < until) await new Promise((r) => setTimeout(r, 20));
    assert.equal(server.running.server.sessions.size, 0, 'the failed session is forgotten');
  }

  async function servesTheNextClient(): Promise<void> {
    const client = await FtpsControlClient.connect(server.host, server.port);
    try {
      assert.equal((await client.auth('TLS')).code, 234);
      assert.equal((await client.login(server.user.name, server.user.password)).code, 230);
    } finally {
      await client.close();
    }
  }

  test('plain text after AUTH TLS is not taken as a handshake: closed, session gone', WITHIN, async () => {
    const socket = await connectRaw(server.port);
    await replyLine(socket, 220);
    socket.write('AUTH TLS\r\n');
    await replyLine(socket, 234);
    socket.write('USER alice\r\n');
    await closedByServer(socket);
    await noSessionsLeft();
    await servesTheNextClient();
  });

  test('a client that hangs up during the AUTH TLS handshake leaves no session behind', WITHIN, async () => {
    const socket = await connectRaw(server.port);
    await replyLine(socket, 220);
    socket.write('AUTH TLS\r\n');
    await replyLine(socket, 234);
    socket.destroy();
    await noSessionsLeft();
    await servesTheNextClient();
  });

  test('plain text on the implicit FTPS port: closed without a reply', WITHIN, async () => {
    assert.ok(server.implicitPort, 'the harness enables implicit FTPS');
    const socket = await connectRaw(server.implicitPort);
    let received = '';
    socket.on('data', (chunk: Buffer) => (received += chunk.toString('latin1')));
    socket.write('USER alice\r\n');
    await closedByServer(socket);
    assert.doesNotMatch(received, /^\d{3} /m, 'no FTP reply in plain text');
    await noSessionsLeft();
    await servesTheNextClient();
  });
});
