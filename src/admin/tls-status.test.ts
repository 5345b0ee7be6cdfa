import assert from 'node:assert/strict';
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { parseConfig } from '../config/load-config.js';
import { generateSelfSignedCertificate, writeCertificateFiles } from '../tls/certificate-generate.js';
import { tlsStatus } from './tls-status.js';

describe('tlsStatus', () => {
  let dir: string;
  before(async () => (dir = await mkdtemp(path.join(os.tmpdir(), 'ferry-tls-status-'))));
  after(async () => rm(dir, { recursive: true, force: true }));

  it('describes inline material: summary, key type and match, no key text', async () => {
    const a = await generateSelfSignedCertificate({ commonName: 'a.test', keyType: 'rsa-2048' });
    const status = await tlsStatus(parseConfig({ tls: { cert: a.certPem, key: a.keyPem } }, 'x'), dir, path.join(dir, 'none'));
    assert.equal(status.source, 'inline');
    assert.equal(status.info?.fingerprintSha256, a.fingerprintSha256);
    assert.deepEqual(status.key, { description: 'RSA 2048 bits', matches: true });
    assert.deepEqual(status.findings, []);
    assert.ok(!JSON.stringify(status).includes('PRIVATE KEY'));
  });

  it('reports a key that does not match, with the fix', async () => {
    const a = await generateSelfSignedCertificate({ commonName: 'a.test' });
    const b = await generateSelfSignedCertificate({ commonName: 'b.test' });
    const status = await tlsStatus(parseConfig({ tls: { cert: a.certPem, key: b.keyPem } }, 'x'), dir, path.join(dir, 'none'));
    assert.equal(status.key?.matches, false);
    assert.deepEqual(status.findings.map((f) => f.code), ['KEY_MISMATCH']);
    assert.match(status.findings[0]!.fix, /ferry cert generate/);
  });

  it('falls back to the first-start certificate and warns about a readable key file; none when there is nothing', async () => {
    const tlsDir = path.join(dir, 'data', 'tls');
    const files = await writeCertificateFiles(tlsDir, await generateSelfSignedCertificate({ commonName: 'gen.test' }));
    await chmod(files.keyFile, 0o644);
    const status = await tlsStatus(parseConfig({}, 'x'), dir, tlsDir);
    assert.equal(status.source, 'generated');
    assert.equal(status.key?.description, 'EC P-256');
    assert.match(status.warnings[0]!, /chmod 600/);
    assert.deepEqual(await tlsStatus(parseConfig({}, 'x'), dir, path.join(dir, 'empty')), { source: 'none', findings: [], warnings: [] });
    const broken = await tlsStatus(parseConfig({ tls: { certFile: 'missing.pem', keyFile: 'missing.key' } }, 'x'), dir, tlsDir);
    assert.match(broken.error!, /tls\.certFile: cannot read .*file not found/);
  });
});
