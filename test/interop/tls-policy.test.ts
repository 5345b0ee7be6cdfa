// The TLS policy on the wire (RFC 4217 sections 4-9, RFC 2228): required/disabled modes, the AUTH,
// PBSZ, PROT and CCC sequence rules, data protection under "required", per-user overrides, and the
// STARTTLS command-injection defence (CVE-2011-1575), checked with raw sockets and curl.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { FtpsControlClient } from '../helpers/ftps-control-client.js';
import { requireBinary } from '../helpers/require-binary.js';
import { describeCurlRun, runCurl } from '../helpers/run-curl.js';
import { startTestServer, type TestServer } from '../helpers/test-server.js';

const curlSkip = requireBinary('curl');

describe('tls.mode: required', () => {
  let server: TestServer;
  const open: FtpsControlClient[] = [];

  async function connect(): Promise<FtpsControlClient> {
    const client = await FtpsControlClient.connect(server.host, server.port);
    open.push(client);
    return client;
  }

  /** Connected, AUTH TLS done. */
  async function secured(): Promise<FtpsControlClient> {
    const client = await connect();
    assert.equal((await client.auth('TLS')).code, 234);
    return client;
  }

  before(async () => {
    server = await startTestServer({
      config: { tls: { mode: 'required' } },
      users: [{ name: 'plainbob', password: 'plain-bob-pass', tls: 'optional' }],
    });
  });

  after(async () => {
    for (const c of open) c.destroy();
    await server?.stop();
  });

  it('refuses a plain-text USER with 534 that tells the user to enable FTPES/TLS', async () => {
    const client = await connect();
    const reply = await client.send('USER alice');
    assert.equal(reply.code, 534);
    assert.match(reply.text, /TLS/);
    assert.match(reply.text, /FTPES/);
    const pass = await client.send('PASS secret-alice');
    assert.notEqual(pass.code, 230, 'no login without TLS');
  });

  it('lists AUTH TLS in FEAT before AUTH', async () => {
    const client = await connect();
    const feat = await client.send('FEAT');
    assert.equal(feat.code, 211);
    assert.ok(feat.lines.some((l) => l.trim() === 'AUTH TLS'), feat.text);
    assert.ok(feat.lines.some((l) => l.trim() === 'PBSZ') && feat.lines.some((l) => l.trim() === 'PROT'), feat.text);
  });

  for (const mechanism of ['TLS', 'SSL']) {
    it(`answers AUTH ${mechanism} with 234 and completes the handshake`, async () => {
      const client = await connect();
      const reply = await client.auth(mechanism);
      assert.equal(reply.code, 234);
      assert.ok(client.secure);
      assert.equal(client.tlsSocket?.getPeerCertificate().fingerprint256, server.fingerprint);
      assert.equal((await client.login('alice', 'secret-alice')).code, 230);
    });
  }

  it('answers an unknown mechanism (AUTH KERBEROS) with 504', async () => {
    const client = await connect();
    assert.equal((await client.send('AUTH KERBEROS')).code, 504);
    assert.equal(client.secure, false);
  });

  it('answers a second AUTH after the handshake with 503', async () => {
    const client = await secured();
    assert.equal((await client.send('AUTH TLS')).code, 503);
    assert.equal((await client.send('NOOP')).code, 200, 'the protected session goes on');
  });

  it('answers PBSZ before AUTH with 503', async () => {
    const client = await connect();
    assert.equal((await client.send('PBSZ 0')).code, 503);
  });

  it('answers PROT before PBSZ with 503', async () => {
    const client = await secured();
    assert.equal((await client.send('PROT P')).code, 503);
  });

  it('answers PROT S and PROT E with 536 and an unknown level (PROT X) with 504', async () => {
    const client = await secured();
    assert.equal((await client.send('PBSZ 0')).code, 200);
    assert.equal((await client.send('PROT S')).code, 536);
    assert.equal((await client.send('PROT E')).code, 536);
    assert.equal((await client.send('PROT X')).code, 504);
    assert.equal((await client.send('PROT P')).code, 200);
  });

  it('refuses CCC with 534: the control connection stays encrypted', async () => {
    const client = await secured();
    const reply = await client.send('CCC');
    assert.equal(reply.code, 534);
    assert.ok(client.secure);
    assert.equal((await client.send('NOOP')).code, 200, 'still speaking TLS');
  });

  it('refuses a LIST under PROT C with 521 that says to send PROT P', async () => {
    const client = await secured();
    assert.equal((await client.login('alice', 'secret-alice')).code, 230);
    assert.equal((await client.send('PBSZ 0')).code, 200);
    assert.equal((await client.send('PROT C')).code, 200);
    const result = await client.transfer('LIST');
    assert.equal(result.preliminary.code, 521);
    assert.match(result.preliminary.text, /PROT P/);
    assert.match(result.preliminary.text, /encrypted/);

    assert.equal((await client.send('PROT P')).code, 200);
    const listed = await client.transfer('LIST', { protect: true });
    assert.equal(listed.preliminary.code, 150);
    assert.equal(listed.final?.code, 226);
    assert.equal(listed.sessionReused, true);
  });

  it('discards commands pipelined behind AUTH TLS (CVE-2011-1575): PASS after the handshake gets 503', async () => {
    const client = await connect();
    client.writeRaw('AUTH TLS\r\nUSER alice\r\n'); // one write: one TCP segment on loopback
    const auth = await client.read();
    assert.equal(auth.code, 234);
    assert.equal(client.unread, 0, 'nothing but the 234 in clear text (USER was not answered)');
    await client.startTls();
    const pass = await client.send('PASS secret-alice');
    assert.equal(pass.code, 503, `USER must have been discarded, got: ${pass.text}`);
    assert.equal((await client.send('NOOP')).code, 200);
  });

  it('lets a user with tls: optional log in over plain FTP while alice is refused', async () => {
    const bob = await connect();
    assert.equal((await bob.login('plainbob', 'plain-bob-pass')).code, 230);
    const listed = await bob.transfer('NLST');
    assert.equal(listed.final?.code, 226, 'plain data is allowed for this user too');

    const alice = await connect();
    assert.equal((await alice.send('USER alice')).code, 534);
  });

  it('curl without --ssl-reqd cannot log in', { skip: curlSkip }, async () => {
    const run = await runCurl(['-u', 'alice:secret-alice', `ftp://${server.host}:${server.port}/`]);
    assert.notEqual(run.code, 0, describeCurlRun(run));
    assert.ok(run.replies.some((r) => r.code === 534 || r.code === 530), describeCurlRun(run));
    assert.ok(!run.replies.some((r) => r.code === 230), describeCurlRun(run));
  });
});

describe('tls.mode: disabled', () => {
  let server: TestServer;
  let client: FtpsControlClient | undefined;

  before(async () => {
    server = await startTestServer({ config: { tls: { mode: 'disabled', implicit: { enabled: false } } } });
  });

  after(async () => {
    client?.destroy();
    await server?.stop();
  });

  it('offers no AUTH TLS, answers AUTH TLS with 502 and allows a plain login', async () => {
    assert.equal(server.implicitPort, undefined);
    client = await FtpsControlClient.connect(server.host, server.port);
    const feat = await client.send('FEAT');
    assert.equal(feat.code, 211);
    assert.ok(!/AUTH|PBSZ|PROT/.test(feat.text), feat.text);
    assert.equal((await client.send('AUTH TLS')).code, 502);
    assert.equal(client.secure, false);
    assert.equal((await client.login('alice', 'secret-alice')).code, 230);
    const listed = await client.transfer('NLST');
    assert.equal(listed.final?.code, 226);
  });
});
