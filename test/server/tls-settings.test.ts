// TLS settings beyond the interop suite: separate control and data requirements, and a certificate
// replaced on disk being picked up by new connections without a restart (the file watcher).
import assert from 'node:assert/strict';
import { constants } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { describe, test } from 'node:test';
import type tls from 'node:tls';
import { generateSelfSignedCertificate, writeCertificateFiles } from '../../src/tls/certificate-generate.js';
import { FtpsControlClient } from '../helpers/ftps-control-client.js';
import { DEFAULT_USER, startTestServer } from '../helpers/test-server.js';

async function securedLogin(port: number, tlsOptions: tls.ConnectionOptions = {}): Promise<FtpsControlClient> {
  const c = await FtpsControlClient.connect('127.0.0.1', port, { tls: tlsOptions });
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

describe("a data connection offering another control session's TLS session is refused (no port theft)", () => {
  const variants: { name: string; tls: tls.ConnectionOptions }[] = [
    { name: 'TLS 1.3 tickets', tls: {} },
    { name: 'TLS 1.2 tickets', tls: { maxVersion: 'TLSv1.2' } },
    { name: 'TLS 1.2 session IDs (client without tickets)', tls: { maxVersion: 'TLSv1.2', secureOptions: constants.SSL_OP_NO_TICKET } },
  ];
  for (const variant of variants) {
    test(variant.name, async () => {
      const server = await startTestServer({ config: { tls: { mode: 'required', implicit: { enabled: false } } } });
      try {
        const victim = await securedLogin(server.port, variant.tls);
        const thief = await securedLogin(server.port, variant.tls);
        for (const c of [victim, thief]) assert.equal((await c.send('PROT P')).code, 200);
        for (let i = 0; i < 3; i++) {
          const own = await thief.transfer('NLST', { protect: true });
          assert.equal(own.final?.code, 226, 'its own session resumes, transfer after transfer');
          assert.equal(own.sessionReused, true);
        }
        assert.equal((await victim.transfer('NLST', { protect: true })).final?.code, 226);
        thief.session = victim.session; // try to ride on the other session's ticket or session ID
        const stolen = await thief.transfer('NLST', { protect: true });
        assert.notEqual(stolen.sessionReused, true);
        assert.equal(stolen.final?.code, 425);
        assert.match(stolen.final!.text, /did not resume the TLS session/);
        victim.destroy();
        thief.destroy();
      } finally {
        await server.stop();
      }
    });
  }
});
