// Server-level settings seen from a client: connection limits, timeouts, line length, pipelining,
// passive range and masquerade address, the xferlog transfer log.
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { FtpsControlClient } from '../helpers/ftps-control-client.js';
import { RawFtpClient, readAll, writeAll } from '../helpers/raw-ftp-client.js';
import { DEFAULT_USER, startTestServer, type TestServer } from '../helpers/test-server.js';

describe('limits and timeouts', () => {
  let server: TestServer;
  before(async () => {
    server = await startTestServer({
      config: {
        server: { maxClients: 3, maxClientsPerIp: 2, maxLineLength: 512 },
        timeouts: { login: 1, idle: 1 },
      },
    });
  });
  after(() => server.stop());

  test('max connections per IP: the next one gets 421 with the reason', async () => {
    const a = await RawFtpClient.connect(server.host, server.port);
    const b = await RawFtpClient.connect(server.host, server.port);
    const c = await RawFtpClient.connect(server.host, server.port);
    assert.equal(a.greeting.code, 220);
    assert.equal(b.greeting.code, 220);
    assert.equal(c.greeting.code, 421);
    assert.match(c.greeting.text, /Too many connections from your address/);
    await c.closed;
    a.destroy();
    b.destroy();
    // Let the server see those closes before the next test connects.
    for (let i = 0; i < 100 && server.running.server.sessions.size > 0; i++) await new Promise((r) => setTimeout(r, 20));
    assert.equal(server.running.server.sessions.size, 0);
  });

  test('login timeout closes an idle unauthenticated connection with 421', async () => {
    const client = await RawFtpClient.connect(server.host, server.port);
    const reply = await client.read();
    assert.equal(reply.code, 421);
    assert.match(reply.text, /Login timeout/);
    await client.closed;
  });

  test('idle timeout closes a logged-in session with 421', async () => {
    const client = await RawFtpClient.login(server.host, server.port, DEFAULT_USER.name, DEFAULT_USER.password);
    const reply = await client.read();
    assert.equal(reply.code, 421);
    assert.match(reply.text, /Idle timeout/);
    await client.closed;
  });

  test('an over-long command line gets 500 and the session keeps working', async () => {
    const client = await RawFtpClient.connect(server.host, server.port);
    const long = await client.send('USER ' + 'x'.repeat(2000));
    assert.equal(long.code, 500);
    assert.match(long.text, /too long/);
    assert.equal((await client.send('NOOP')).code, 200);
    client.destroy();
  });

  test('pipelined commands in one packet are answered in order', async () => {
    const client = await RawFtpClient.connect(server.host, server.port);
    client.socket.write(`USER ${DEFAULT_USER.name}\r\nPASS ${DEFAULT_USER.password}\r\nPWD\r\nSYST\r\n`);
    assert.deepEqual([(await client.read()).code, (await client.read()).code, (await client.read()).code, (await client.read()).code], [331, 230, 257, 215]);
    client.destroy();
  });

  test('pipelined commands answered in the same turn share one write; a command sent alone is answered at once', async () => {
    const client = await RawFtpClient.login(server.host, server.port, DEFAULT_USER.name, DEFAULT_USER.password);
    const chunks: string[] = [];
    client.socket.on('data', (chunk: Buffer) => chunks.push(chunk.toString('latin1')));
    client.socket.write('NOOP\r\nPWD\r\nSYST\r\nTYPE I\r\n');
    assert.deepEqual([(await client.read()).code, (await client.read()).code, (await client.read()).code, (await client.read()).code], [200, 257, 215, 200]);
    assert.equal(chunks.length, 1, `one segment for the four replies, got ${JSON.stringify(chunks)}`);
    assert.match(chunks[0]!, /^200 .*\r\n257 .*\r\n215 .*\r\n200 .*\r\n$/s);
    assert.equal((await client.send('NOOP')).code, 200, 'a later command alone still gets its reply');
    client.destroy();
  });

  test('under TLS, pipelined commands get their replies in one TLS record', async () => {
    const client = await FtpsControlClient.connect(server.host, server.port);
    assert.equal((await client.auth('TLS')).code, 234);
    assert.equal((await client.login(DEFAULT_USER.name, DEFAULT_USER.password)).code, 230);
    // Node's TLS client hands over each record's plaintext as one 'data' event.
    const records: string[] = [];
    client.tlsSocket!.on('data', (chunk: Buffer) => records.push(chunk.toString('latin1')));
    client.writeRaw('PBSZ 0\r\nPROT P\r\nTYPE I\r\nPWD\r\n');
    assert.deepEqual([(await client.read()).code, (await client.read()).code, (await client.read()).code, (await client.read()).code], [200, 200, 200, 257]);
    assert.equal(records.length, 1, `one record for the four replies, got ${JSON.stringify(records)}`);
    const listed = await client.transfer('NLST', { protect: true });
    assert.deepEqual([listed.preliminary.code, listed.final?.code], [150, 226], 'a protected transfer after them works as before');
    client.destroy();
  });

  test('unknown and malformed commands: 500, the server keeps serving', async () => {
    const client = await RawFtpClient.connect(server.host, server.port);
    assert.equal((await client.send('XYZZY')).code, 500);
    assert.equal((await client.send('12345 not a verb')).code, 500);
    assert.equal((await client.send(Buffer.from([0xff, 0xfe, 0x00, 0x41]))).code, 500);
    assert.equal((await client.send('RETR x')).code, 530, 'needs a login');
    assert.equal((await client.send('NOOP')).code, 200);
    client.destroy();
  });
});

describe('passive range, masquerade address and xferlog', () => {
  let server: TestServer;
  before(async () => {
    server = await startTestServer({
      config: {
        passive: { minPort: 41200, maxPort: 41210, address: '127.0.0.1' },
        logging: { level: 'silent', pretty: 'never', xferlog: 'xferlog' },
      },
    });
  });
  after(() => server.stop());

  test('PASV advertises the configured address and a port from the range', async () => {
    const client = await RawFtpClient.login(server.host, server.port, DEFAULT_USER.name, DEFAULT_USER.password);
    for (let i = 0; i < 3; i++) {
      const reply = await client.send('PASV');
      const m = /\((\d+),(\d+),(\d+),(\d+),(\d+),(\d+)\)/.exec(reply.text)!;
      assert.equal(reply.code, 227);
      assert.equal(m.slice(1, 5).join('.'), '127.0.0.1');
      const port = Number(m[5]) * 256 + Number(m[6]);
      assert.ok(port >= 41200 && port <= 41210, `port ${port} in range`);
    }
    const epsv = await client.send('EPSV');
    assert.equal(epsv.code, 229);
    const port = Number(/\|\|\|(\d+)\|/.exec(epsv.text)![1]);
    assert.ok(port >= 41200 && port <= 41210);
    client.destroy();
  });

  test('an upload and a download each write one xferlog line', async () => {
    const client = await RawFtpClient.login(server.host, server.port, DEFAULT_USER.name, DEFAULT_USER.password);
    assert.equal((await client.send('TYPE I')).code, 200);
    let data = await client.pasv();
    assert.equal((await client.send('STOR my file.txt')).code, 150);
    await writeAll(data, 'hello xferlog\n');
    data.end();
    assert.equal((await client.read()).code, 226);
    data = await client.pasv();
    assert.equal((await client.send('RETR my file.txt')).code, 150);
    assert.equal((await readAll(data)).toString(), 'hello xferlog\n');
    assert.equal((await client.read()).code, 226);
    await client.close();
    const log = (await readFile(path.join(server.dir, 'xferlog'), 'utf8')).trim().split('\n');
    assert.equal(log.length, 2);
    // ctime, seconds, host, bytes, file, type, flag, direction, access, user, service, auth, id, status
    const fields = log.map((l) => l.split(' ').filter(Boolean));
    assert.deepEqual(fields[0]!.slice(6), ['127.0.0.1', '14', '/my_file.txt', 'b', '_', 'i', 'r', 'alice', 'ftp', '0', '*', 'c']);
    assert.equal(fields[1]![11], 'o');
  });
});
