// Certificate reload without a restart: after the files are replaced and reload() runs, new
// connections get the new certificate while a session opened before keeps working, data included.
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { generateSelfSignedCertificate, writeCertificateFiles, type GeneratedCertificate } from '../../src/tls/certificate-generate.js';
import { FtpsControlClient } from '../helpers/ftps-control-client.js';
import { startTestServer, type TestServer } from '../helpers/test-server.js';

describe('certificate reload', () => {
  let server: TestServer;
  let certDir: string;
  let first: GeneratedCertificate;
  const open: FtpsControlClient[] = [];

  async function securedSession(): Promise<FtpsControlClient> {
    const client = await FtpsControlClient.connect(server.host, server.port);
    open.push(client);
    assert.equal((await client.auth('TLS')).code, 234);
    assert.equal((await client.login('alice', 'secret-alice')).code, 230);
    return client;
  }

  before(async () => {
    certDir = await mkdtemp(path.join(os.tmpdir(), 'ferry-cert-reload-'));
    first = await generateSelfSignedCertificate({ commonName: 'first.ferry.test' });
    const files = await writeCertificateFiles(certDir, first);
    server = await startTestServer({ config: { tls: { certFile: files.certFile, keyFile: files.keyFile } } });
  });

  after(async () => {
    for (const c of open) c.destroy();
    await server?.stop();
    if (certDir) await rm(certDir, { recursive: true, force: true });
  });

  it('serves the new certificate to new connections while an open session keeps working', async () => {
    assert.equal(server.fingerprint, first.fingerprintSha256, 'the server started with the configured files');
    const sessionA = await securedSession();
    assert.equal(sessionA.tlsSocket?.getPeerCertificate().fingerprint256, first.fingerprintSha256);
    assert.equal((await sessionA.send('PBSZ 0')).code, 200);
    assert.equal((await sessionA.send('PROT P')).code, 200);

    const second = await generateSelfSignedCertificate({ commonName: 'second.ferry.test' });
    assert.notEqual(second.fingerprintSha256, first.fingerprintSha256);
    await writeCertificateFiles(certDir, second);
    await server.running.reload();

    const sessionB = await securedSession();
    assert.equal(sessionB.tlsSocket?.getPeerCertificate().fingerprint256, second.fingerprintSha256, 'a new connection sees the new certificate');

    // Session A: still on its TLS session, commands and protected data connections both work.
    assert.equal((await sessionA.send('NOOP')).code, 200);
    const listed = await sessionA.transfer('LIST', { protect: true });
    assert.equal(listed.preliminary.code, 150, listed.preliminary.text);
    assert.equal(listed.final?.code, 226, listed.final?.text);
    assert.equal(listed.sessionReused, true, 'the data connection resumed session A');
    assert.equal(sessionA.tlsSocket?.getPeerCertificate().fingerprint256, first.fingerprintSha256);

    // And session B's data connections work with the new certificate.
    assert.equal((await sessionB.send('PBSZ 0')).code, 200);
    assert.equal((await sessionB.send('PROT P')).code, 200);
    const listedB = await sessionB.transfer('NLST', { protect: true });
    assert.equal(listedB.final?.code, 226, listedB.final?.text);
    assert.equal(listedB.sessionReused, true);
  });

  it('keeps the current certificate when the new files are broken', async () => {
    const current = (await securedSession()).tlsSocket?.getPeerCertificate().fingerprint256;
    await writeFile(path.join(certDir, 'cert.pem'), '-----BEGIN CERTIFICATE-----\nbroken\n-----END CERTIFICATE-----\n');
    await server.running.reload();
    const later = await securedSession();
    assert.equal(later.tlsSocket?.getPeerCertificate().fingerprint256, current);
    assert.equal((await later.send('NOOP')).code, 200);
  });
});
