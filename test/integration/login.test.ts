// Integration: login, login failures and their limit, commands before login, and the informational
// commands (RFC 959 USER PASS SYST HELP NOOP STAT, RFC 2389 FEAT, RFC 4217 AUTH TLS, implicit FTPS).
import assert from 'node:assert/strict';
import { mkdir, readdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { Readable } from 'node:stream';
import { after, before, describe, test } from 'node:test';
import { Client } from 'basic-ftp';
import { connectClient } from '../helpers/connect-client.js';
import { HashSink } from '../helpers/hash-sink.js';
import { replyCode } from '../helpers/reply-code.js';
import { sha256 } from '../helpers/sha256.js';
import { startTestServer, type TestServer } from '../helpers/test-server.js';

/** Connect and upgrade to TLS, but do not log in. */
async function connectSecure(server: TestServer): Promise<Client> {
  const client = new Client(10_000);
  await client.connect(server.host, server.port);
  await client.useTLS({ rejectUnauthorized: false, host: server.host });
  return client;
}

async function waitUntil(condition: () => boolean, ms = 3_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not reached in time');
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('login', () => {
  let server: TestServer;
  before(async () => {
    server = await startTestServer();
  });
  after(() => server.stop());

  test('a correct login gets 230 after 220 and 234', async () => {
    const client = new Client(10_000);
    try {
      assert.equal((await client.connect(server.host, server.port)).code, 220);
      assert.equal((await client.useTLS({ rejectUnauthorized: false, host: server.host })).code, 234);
      const res = await client.login(server.user.name, server.user.password);
      assert.equal(res.code, 230);
      assert.equal(await client.pwd(), '/');
    } finally {
      client.close();
    }
  });

  test('a wrong password gets 530 and the connection keeps serving', async () => {
    const client = await connectSecure(server);
    try {
      assert.equal(await replyCode(client.login(server.user.name, 'wrong')), 530);
      assert.equal(await replyCode(client.login('nobody', 'whatever')), 530);
      assert.equal((await client.send('NOOP')).code, 200);
      assert.equal((await client.login(server.user.name, server.user.password)).code, 230);
    } finally {
      client.close();
    }
    // A new connection logs in as usual.
    const other = await connectClient(server);
    try {
      assert.equal(await other.pwd(), '/');
    } finally {
      other.close();
    }
  });

  test('three failed logins close the connection', async () => {
    const client = await connectSecure(server);
    try {
      assert.equal(await replyCode(client.login(server.user.name, 'bad-1')), 530);
      assert.equal(await replyCode(client.login(server.user.name, 'bad-2')), 530);
      assert.equal(client.closed, false);
      const third = await replyCode(client.login(server.user.name, 'bad-3'));
      assert.equal(third, 530);
      await waitUntil(() => client.closed);
      await assert.rejects(client.send('NOOP'), (err: Error) => !('code' in err) || typeof (err as { code: unknown }).code !== 'number');
    } finally {
      client.close();
    }
  });

  test('commands before login get 530', async () => {
    const client = await connectSecure(server);
    try {
      for (const cmd of ['PWD', 'CWD /', 'RETR x', 'STOR x', 'DELE x', 'MKD x', 'SIZE x', 'EPSV', 'PASV', 'TYPE I', 'MLSD']) {
        assert.equal(await replyCode(client.send(cmd)), 530, cmd);
      }
      // ...and a later login still works.
      assert.equal((await client.login(server.user.name, server.user.password)).code, 230);
    } finally {
      client.close();
    }
  });

  test('an unknown command gets 500, before and after login', async () => {
    const client = await connectSecure(server);
    try {
      assert.equal(await replyCode(client.send('FROBNICATE')), 500);
      await client.login(server.user.name, server.user.password);
      assert.equal(await replyCode(client.send('FROBNICATE now')), 500);
      assert.equal(await replyCode(client.send('XYZZY')), 500);
      assert.equal((await client.send('NOOP')).code, 200);
    } finally {
      client.close();
    }
  });

  test('FEAT lists the extensions', async () => {
    const client = await connectSecure(server);
    try {
      const res = await client.send('FEAT');
      assert.equal(res.code, 211);
      const lines = res.message.split('\n').slice(1, -1).map((l) => l.trim());
      for (const feature of ['UTF8', 'EPSV', 'REST STREAM', 'SIZE', 'MDTM', 'AUTH TLS', 'PBSZ', 'PROT']) {
        assert.ok(lines.includes(feature), `FEAT lacks ${feature}: ${JSON.stringify(lines)}`);
      }
      const mlst = lines.find((l) => l.startsWith('MLST '));
      assert.ok(mlst, 'FEAT lacks MLST');
      for (const fact of ['type', 'size', 'modify']) assert.match(mlst, new RegExp(`${fact}\\*?;`));
    } finally {
      client.close();
    }
  });

  test('SYST 215, HELP 214, NOOP 200, STAT 211', async () => {
    const client = await connectClient(server);
    try {
      const syst = await client.send('SYST');
      assert.equal(syst.code, 215);
      assert.match(syst.message, /UNIX/);
      const help = await client.send('HELP');
      assert.equal(help.code, 214);
      assert.match(help.message, /RETR/);
      assert.match(help.message, /STOR/);
      const helpOne = await client.send('HELP RETR');
      assert.equal(helpOne.code, 214);
      assert.match(helpOne.message, /RETR/);
      assert.equal((await client.send('NOOP')).code, 200);
      const stat = await client.send('STAT');
      assert.equal(stat.code, 211);
      assert.match(stat.message, /Logged in as alice/);
      assert.match(stat.message, /protected by TLS/);
      assert.match(stat.message, /private \(TLS\)/);
    } finally {
      client.close();
    }
  });

  test('implicit FTPS on the implicit port works, data connections included', async () => {
    assert.ok(server.implicitPort, 'the harness enables implicit FTPS');
    const client = await connectClient(server, { secure: 'implicit' });
    try {
      const stat = await client.send('STAT');
      assert.equal(stat.code, 211);
      assert.match(stat.message, /protected by TLS/);
      assert.match(stat.message, /private \(TLS\)/);
      const payload = Buffer.from('implicit FTPS round trip\n');
      assert.equal((await client.uploadFrom(Readable.from([payload]), 'implicit.txt')).code, 226);
      const sink = new HashSink();
      assert.equal((await client.downloadTo(sink, 'implicit.txt')).code, 226);
      assert.equal(sink.sha256, sha256(payload));
      assert.ok((await client.list()).some((f) => f.name === 'implicit.txt'));
    } finally {
      client.close();
    }
  });

  test('anonymous login is off by default', async () => {
    for (const name of ['anonymous', 'ftp']) {
      const client = await connectSecure(server);
      try {
        assert.equal(await replyCode(client.login(name, 'guest@example.com')), 530, name);
      } finally {
        client.close();
      }
    }
  });
});

describe('login limits and anonymous access (configured)', () => {
  let strict: TestServer;
  let anon: TestServer;
  let anonHome: string;
  const existing = Buffer.from('public file\n');
  before(async () => {
    [strict, anon] = await Promise.all([
      startTestServer({ config: { server: { maxLoginAttempts: 1 } } }),
      startTestServer({ config: { users: { anonymous: { enabled: true } } } }),
    ]);
    anonHome = path.join(anon.storageRoot, 'anonymous');
    await mkdir(anonHome, { recursive: true });
    await writeFile(path.join(anonHome, 'readme.txt'), existing);
  });
  after(() => Promise.all([strict.stop(), anon.stop()]));

  test('server.maxLoginAttempts: 1 closes after the first failure', async () => {
    const client = await connectSecure(strict);
    try {
      assert.equal(await replyCode(client.login(strict.user.name, 'wrong')), 530);
      await waitUntil(() => client.closed);
    } finally {
      client.close();
    }
    const ok = await connectClient(strict);
    try {
      assert.equal((await ok.send('NOOP')).code, 200);
    } finally {
      ok.close();
    }
  });

  test('anonymous logins, when enabled, are read-only', async () => {
    const client = await connectClient(anon, { user: 'anonymous', password: 'guest@example.com' });
    try {
      const sink = new HashSink();
      assert.equal((await client.downloadTo(sink, 'readme.txt')).code, 226);
      assert.equal(sink.sha256, sha256(existing));
      assert.deepEqual((await client.list()).map((f) => f.name), ['readme.txt']);
      assert.equal(await replyCode(client.uploadFrom(Readable.from([Buffer.from('x')]), 'new.txt')), 550);
      assert.equal(await replyCode(client.uploadFrom(Readable.from([Buffer.from('x')]), 'readme.txt')), 550);
      assert.equal(await replyCode(client.send('DELE readme.txt')), 550);
      assert.equal(await replyCode(client.send('MKD sub')), 550);
      assert.equal((await client.send('NOOP')).code, 200);
    } finally {
      client.close();
    }
    assert.deepEqual(await readdir(anonHome), ['readme.txt']);
  });

  test('"ftp" is an anonymous name too; the login text says so', async () => {
    const client = new Client(10_000);
    try {
      await client.connect(anon.host, anon.port);
      await client.useTLS({ rejectUnauthorized: false, host: anon.host });
      const res = await client.login('ftp', 'anything');
      assert.equal(res.code, 230);
      assert.match(res.message, /Anonymous/);
    } finally {
      client.close();
    }
  });
});
