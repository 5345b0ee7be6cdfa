// TLS settings beyond the interop suite: separate control and data requirements, and a certificate
// replaced on disk being picked up by new connections without a restart (the file watcher).
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { describe, test } from 'node:test';
import { generateSelfSignedCertificate, writeCertificateFiles } from '../../src/tls/certificate-generate.js';
import { FtpsControlClient } from '../helpers/ftps-control-client.js';
import { DEFAULT_USER, startTestServer } from '../helpers/test-server.js';

async function securedLogin(port: number): Promise<FtpsControlClient> {
  const c = await FtpsControlClient.connect('127.0.0.1', port);
  assert.equal((await c.auth()).code, 234);
  assert.equal((await c.login(DEFAULT_USER.name, DEFAULT_USER.password)).code, 230);
  assert.equal((await c.send('PBSZ 0')).code, 200);
  return c;
}

describe('separate control and data requirements', () => {
  test('mode required with data optional: clear data connections are allowed after AUTH', async () => {
    const server = await startTestServer({ config: { tls: { mode: 'required', data: 'optional', implicit: { enabled: false } } } });
    try {
      const plain = await FtpsControlClient.connect('127.0.0.1', server.port);
      assert.equal((await plain.send('USER alice')).code, 534, 'control still needs TLS');
      plain.destroy();
      const c = await securedLogin(server.port);
      assert.equal((await c.send('PROT C')).code, 200);
      const list = await c.transfer('LIST');
      assert.equal(list.final?.code, 226);
      c.destroy();
    } finally {
      await server.stop();
    }
  });

  test('mode optional with control required: plain logins refused, data may stay clear', async () => {
    const server = await startTestServer({ config: { tls: { mode: 'optional', control: 'required', implicit: { enabled: false } } } });
    try {
      const plain = await FtpsControlClient.connect('127.0.0.1', server.port);
      assert.equal((await plain.send('USER alice')).code, 534);
      plain.destroy();
      const c = await securedLogin(server.port);
      assert.equal((await c.send('PROT C')).code, 200);
      assert.equal((await c.transfer('NLST')).final?.code, 226);
      c.destroy();
    } finally {
      await server.stop();
    }
  });

  test('mode required (default data requirement): clear data connections get 521', async () => {
    const server = await startTestServer({ config: { tls: { mode: 'required', implicit: { enabled: false } } } });
    try {
      const c = await securedLogin(server.port);
      assert.equal((await c.send('PROT C')).code, 200);
      const list = await c.transfer('LIST');
      assert.equal(list.preliminary.code, 521);
      assert.match(list.preliminary.text, /PROT P/);
      c.destroy();
    } finally {
      await server.stop();
    }
  });
});

test('a certificate replaced on disk is used for new connections without a restart (file watcher)', { timeout: 30_000 }, async () => {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'ferry-certwatch-'));
  const first = await generateSelfSignedCertificate({ commonName: 'first.test' });
  const files = await writeCertificateFiles(dir, first);
  const server = await startTestServer({ watch: true, config: { tls: { mode: 'required', certFile: files.certFile, keyFile: files.keyFile, implicit: { enabled: false } } } });
  try {
    const before = await securedLogin(server.port);
    assert.equal(before.tlsSocket?.getPeerCertificate().fingerprint256, first.fingerprintSha256);
    const second = await generateSelfSignedCertificate({ commonName: 'second.test' });
    await writeCertificateFiles(dir, second);
    let seen: string | undefined;
    for (let i = 0; i < 60 && seen !== second.fingerprintSha256; i++) {
      await new Promise((r) => setTimeout(r, 250));
      const probe = await FtpsControlClient.connect('127.0.0.1', server.port);
      await probe.auth();
      seen = probe.tlsSocket?.getPeerCertificate().fingerprint256;
      probe.destroy();
    }
    assert.equal(seen, second.fingerprintSha256, 'a new connection presents the new certificate');
    assert.equal((await before.send('NOOP')).code, 200, 'the session opened before keeps working');
    before.destroy();
  } finally {
    await server.stop();
    await rm(dir, { recursive: true, force: true });
  }
});

test("a data connection offering another control session's TLS ticket is refused (no port theft)", async () => {
  const server = await startTestServer({ config: { tls: { mode: 'required', implicit: { enabled: false } } } });
  try {
    const victim = await securedLogin(server.port);
    const thief = await securedLogin(server.port);
    for (const c of [victim, thief]) assert.equal((await c.send('PROT P')).code, 200);
    assert.equal((await thief.transfer('NLST', { protect: true })).final?.code, 226, 'its own session resumes');
    thief.session = victim.session; // try to ride on the other session's ticket
    const stolen = await thief.transfer('NLST', { protect: true });
    assert.equal(stolen.sessionReused, false);
    assert.equal(stolen.final?.code, 425);
    assert.match(stolen.final!.text, /did not resume the TLS session/);
    victim.destroy();
    thief.destroy();
  } finally {
    await server.stop();
  }
});
