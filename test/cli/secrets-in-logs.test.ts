// Passwords never reach the logs: after failed and successful logins (basic-ftp over FTPES and a raw
// plain-text session with a lower-case `pass` and spaces), no captured log line holds the password text.
import assert from 'node:assert/strict';
import net from 'node:net';
import { after, before, describe, it } from 'node:test';
import { Client, FTPError } from 'basic-ftp';
import { startTestServer, type TestServer } from '../helpers/test-server.js';

const WRONG = 'Wrong-Pw-7d1f0c';
const SPACED = 'spaced Secret 91ab';
let server: TestServer;
const logs: Record<string, unknown>[] = [];

before(async () => {
  server = await startTestServer({ logs, users: [{ name: 'spacey', password: SPACED }] });
});
after(async () => {
  await server?.stop();
});

/** Sends raw command lines and collects the replies until the server closes the connection. */
function rawSession(port: number, lines: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1');
    let replies = '';
    socket.setEncoding('utf8');
    socket.setTimeout(5_000, () => socket.destroy(new Error(`no end of session; replies so far:\n${replies}`)));
    socket.on('data', (s: string) => {
      replies += s;
      // one line at a time, each after the previous reply, as a client would
      const next = lines.shift();
      if (next !== undefined) socket.write(`${next}\r\n`);
    });
    socket.once('error', reject);
    socket.once('close', () => resolve(replies));
  });
}

describe('secrets in logs', () => {
  it('logs logins without the password text', async () => {
    const client = new Client(5_000);
    try {
      await client.connect(server.host, server.port);
      await assert.rejects(client.login(server.user.name, WRONG), (err: unknown) => err instanceof FTPError && err.code === 530);
    } finally {
      client.close();
    }
    const ok = new Client(5_000);
    try {
      await ok.access({ host: server.host, port: server.port, user: server.user.name, password: server.user.password, secure: true, secureOptions: { rejectUnauthorized: false } });
      assert.equal(await ok.pwd(), '/');
    } finally {
      ok.close();
    }
    const replies = await rawSession(server.port, ['USER spacey', `pass ${SPACED}`, 'QUIT']);
    assert.match(replies, /^230 /m, replies);

    await new Promise((resolve) => setTimeout(resolve, 100)); // the last "session end" lines
    const text = logs.map((l) => JSON.stringify(l)).join('\n');
    // the logs do record the logins, so the absence of the passwords below means something
    assert.ok(logs.some((l) => l.msg === 'login failed' && l.user === 'alice'), text);
    assert.ok(logs.filter((l) => l.msg === 'login').length >= 2, text);
    assert.ok(logs.some((l) => typeof l.cmd === 'string' && /^PASS /i.test(l.cmd)), 'PASS commands are logged (redacted)');
    for (const secret of [WRONG, server.user.password, SPACED, 'Secret 91ab']) {
      assert.ok(!text.includes(secret), `log lines contain "${secret}"`);
    }
  });
});
