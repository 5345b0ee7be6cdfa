// Checks the raw test client's reply framing against a scripted fake server: replies split at every
// byte, multi-line replies, UTF-8 cut between chunks, pipelined replies, and a close while waiting.
import assert from 'node:assert/strict';
import net from 'node:net';
import { after, before, describe, test } from 'node:test';
import { RawFtpClient } from './raw-ftp-client.js';

/** A fake server: writes `script` one byte per write, then answers each received line via `answer`. */
async function fakeServer(script: string, answer: (line: string, socket: net.Socket) => void): Promise<net.Server> {
  const server = net.createServer({ noDelay: true }, async (socket) => {
    socket.on('error', () => {});
    const bytes = Buffer.from(script, 'utf8');
    for (const byte of bytes) {
      socket.write(Buffer.from([byte]));
      await new Promise((r) => setImmediate(r));
    }
    let pending = '';
    socket.on('data', (chunk: Buffer) => {
      pending += chunk.toString('utf8');
      let lf: number;
      while ((lf = pending.indexOf('\n')) !== -1) {
        answer(pending.slice(0, lf).replace(/\r$/, ''), socket);
        pending = pending.slice(lf + 1);
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return server;
}

const portOf = (server: net.Server) => (server.address() as net.AddressInfo).port;

describe('RawFtpClient', () => {
  let server: net.Server;
  before(async () => {
    server = await fakeServer('220-Welcome\r\n 220 not the end\r\n220 Ready ✓\r\n', (line, socket) => {
      if (line === 'FEAT') socket.write('211-Extensions:\r\n UTF8\r\n211 End\r\n');
      else if (line === 'TWO') socket.write('150 Opening\r\n226 Done\r\n');
      else if (line === 'BYE') socket.end('221 Bye\r\n');
      else if (line === 'HANG') socket.destroy();
      else socket.write(`200 got ${JSON.stringify(line)}\r\n`);
    });
  });
  after(() => new Promise<void>((resolve) => server.close(() => resolve())));

  test('reads a multi-line greeting delivered one byte at a time', async () => {
    const client = await RawFtpClient.connect('127.0.0.1', portOf(server));
    try {
      assert.equal(client.greeting.code, 220);
      assert.deepEqual(client.greeting.lines, ['220-Welcome', ' 220 not the end', '220 Ready ✓']);
      assert.equal(client.greeting.text, '220-Welcome\n 220 not the end\n220 Ready ✓');
    } finally {
      client.destroy();
    }
  });

  test('send() returns the next reply; multi-line and pipelined replies stay separate', async () => {
    const client = await RawFtpClient.connect('127.0.0.1', portOf(server));
    try {
      const feat = await client.send('FEAT');
      assert.equal(feat.code, 211);
      assert.equal(feat.lines.length, 3);
      assert.equal((await client.send('TWO')).code, 150);
      assert.equal((await client.read()).code, 226);
      const raw = await client.send(Buffer.from('RETR a\0b'));
      assert.equal(raw.text, '200 got "RETR a\\u0000b"');
    } finally {
      client.destroy();
    }
  });

  test('a close rejects the pending read and resolves `closed`', async () => {
    const client = await RawFtpClient.connect('127.0.0.1', portOf(server));
    assert.equal((await client.send('BYE')).code, 221);
    await client.closed;
    const other = await RawFtpClient.connect('127.0.0.1', portOf(server));
    await assert.rejects(other.send('HANG'), /closed/);
    await other.closed;
  });
});
