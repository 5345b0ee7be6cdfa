// Brute-force defences: growing delay, per-IP ban, per-account lockout, per-user session limit,
// and no user enumeration (unknown users and wrong passwords get the same reply).
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { RawFtpClient } from '../helpers/raw-ftp-client.js';
import { DEFAULT_USER, startTestServer, type TestServer } from '../helpers/test-server.js';

async function attempt(server: TestServer, user: string, password: string, client?: RawFtpClient) {
  const c = client ?? (await RawFtpClient.connect(server.host, server.port));
  await c.send(`USER ${user}`);
  const reply = await c.send(`PASS ${password}`);
  return { client: c, reply };
}

describe('failed-login delay and no user enumeration', () => {
  let server: TestServer;
  before(async () => {
    server = await startTestServer({ config: { security: { loginFailureDelayMs: 200 }, server: { maxLoginAttempts: 5 } } });
  });
  after(() => server.stop());

  test('each failure on a connection waits longer (n x the delay) before 530', async () => {
    const c = await RawFtpClient.connect(server.host, server.port);
    const waits: number[] = [];
    for (let i = 0; i < 3; i++) {
      const t = Date.now();
      const { reply } = await attempt(server, DEFAULT_USER.name, 'wrong', c);
      waits.push(Date.now() - t);
      assert.equal(reply.code, 530);
    }
    assert.ok(waits[0]! >= 190, `first failure waited ${waits[0]} ms`);
    assert.ok(waits[2]! >= 590, `third failure waited ${waits[2]} ms`);
    c.destroy();
  });

  test('an unknown user and a wrong password get the same reply', async () => {
    const unknown = await attempt(server, 'nobody-here', 'x');
    const wrong = await attempt(server, DEFAULT_USER.name, 'x');
    assert.equal(unknown.reply.code, 530);
    assert.equal(unknown.reply.text, wrong.reply.text);
    unknown.client.destroy();
    wrong.client.destroy();
  });
});

describe('per-IP ban', () => {
  let server: TestServer;
  const logs: Record<string, unknown>[] = [];
  before(async () => {
    server = await startTestServer({ logs, config: { security: { loginFailureDelayMs: 0, ban: { enabled: true, maxFailures: 4, windowSeconds: 60, banSeconds: 60 } } } });
  });
  after(() => server.stop());

  test('repeated failures ban the address: new connections get 421 until the ban ends', async () => {
    for (let i = 0; i < 3; i++) (await attempt(server, DEFAULT_USER.name, `wrong-${i}`)).client.destroy();
    const last = await attempt(server, DEFAULT_USER.name, 'wrong-last');
    assert.equal(last.reply.code, 421);
    assert.match(last.reply.text, /temporarily banned/);
    const next = await RawFtpClient.connect(server.host, server.port);
    assert.equal(next.greeting.code, 421);
    assert.match(next.greeting.text, /banned, try again in 1 minute/);
    assert.ok(logs.some((l) => l.msg === 'address banned after repeated failed logins'));
  });
});

describe('account lockout and sessions per user', () => {
  let server: TestServer;
  before(async () => {
    server = await startTestServer({
      config: {
        server: { maxSessionsPerUser: 2 },
        security: { loginFailureDelayMs: 0, ban: { enabled: false }, userLockout: { enabled: true, maxFailures: 2, windowSeconds: 60, lockSeconds: 60 } },
      },
      users: [{ name: 'bob', password: 'bob-pass' }],
    });
  });
  after(() => server.stop());

  test('a locked account refuses even the right password, with the usual reply', async () => {
    for (let i = 0; i < 2; i++) (await attempt(server, 'bob', 'wrong')).client.destroy();
    const right = await attempt(server, 'bob', 'bob-pass');
    assert.equal(right.reply.code, 530);
    assert.equal(right.reply.text, '530 Login incorrect');
    right.client.destroy();
    // Other accounts are unaffected.
    const alice = await attempt(server, DEFAULT_USER.name, DEFAULT_USER.password);
    assert.equal(alice.reply.code, 230);
    alice.client.destroy();
  });

  test('a third session of the same user gets 421', async () => {
    const a = await attempt(server, DEFAULT_USER.name, DEFAULT_USER.password);
    const b = await attempt(server, DEFAULT_USER.name, DEFAULT_USER.password);
    const c = await attempt(server, DEFAULT_USER.name, DEFAULT_USER.password);
    assert.equal(a.reply.code, 230);
    assert.equal(b.reply.code, 230);
    assert.equal(c.reply.code, 421);
    assert.match(c.reply.text, /Too many sessions for alice \(2\)/);
    a.client.destroy();
    b.client.destroy();
  });
});
