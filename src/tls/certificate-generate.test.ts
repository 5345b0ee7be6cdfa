// Tests self-signed certificate generation against Node's own X.509 parser and the written files' modes.

import assert from 'node:assert/strict';
import { X509Certificate, createPrivateKey } from 'node:crypto';
import { mkdtemp, readFile, readdir, rm, stat, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { isFerryError } from '../errors/ferry-error.js';
import { generateSelfSignedCertificate, writeCertificateFiles, type KeyType } from './certificate-generate.js';
import { x509 } from './peculiar-x509.js';
import { readSignatureAlgorithm } from './signature-algorithm.js';

const HOUR_MS = 3_600_000;
const DAY_MS = 86_400_000;

function sanList(cert: X509Certificate): string[] {
  return (cert.subjectAltName ?? '').split(', ');
}

describe('generateSelfSignedCertificate', () => {
  const cases: Array<{ keyType: KeyType; bits?: number; curve?: string; signature: string; keyEncipherment: boolean }> = [
    { keyType: 'ec-p256', curve: 'prime256v1', signature: 'ecdsa-with-SHA256', keyEncipherment: false },
    { keyType: 'rsa-2048', bits: 2048, signature: 'sha256WithRSAEncryption', keyEncipherment: true },
    { keyType: 'rsa-3072', bits: 3072, signature: 'sha256WithRSAEncryption', keyEncipherment: true },
    { keyType: 'rsa-4096', bits: 4096, signature: 'sha256WithRSAEncryption', keyEncipherment: true },
  ];

  for (const c of cases) {
    it(`creates a valid self-signed ${c.keyType} server certificate`, async () => {
      const started = Date.now();
      const generated = await generateSelfSignedCertificate({
        keyType: c.keyType,
        commonName: 'ftp.example.com',
        subjectAltNames: ['ftp.example.com', 'files.example.com', '192.0.2.10', '2001:db8::1'],
        days: 90,
      });
      const cert = new X509Certificate(generated.certPem);

      assert.equal(cert.subject, 'CN=ftp.example.com');
      assert.equal(cert.issuer, 'CN=ftp.example.com');
      assert.equal(cert.verify(cert.publicKey), true);
      assert.deepEqual(sanList(cert), ['DNS:ftp.example.com', 'DNS:files.example.com', 'IP Address:192.0.2.10', 'IP Address:2001:DB8:0:0:0:0:0:1']);
      assert.equal(readSignatureAlgorithm(cert.raw).name, c.signature);
      assert.equal(cert.ca, false);

      const key = createPrivateKey(generated.keyPem);
      assert.match(generated.keyPem, /^-----BEGIN PRIVATE KEY-----\n/);
      assert.equal(cert.checkPrivateKey(key), true);
      if (c.bits) assert.equal(cert.publicKey.asymmetricKeyDetails?.modulusLength, c.bits);
      if (c.curve) assert.equal(cert.publicKey.asymmetricKeyDetails?.namedCurve, c.curve);

      assert.equal(generated.fingerprintSha256, cert.fingerprint256);
      assert.match(generated.fingerprintSha256, /^([0-9A-F]{2}:){31}[0-9A-F]{2}$/);

      // 16-byte positive serial: 32 hex digits, top bit clear.
      assert.match(cert.serialNumber, /^[0-7][0-9A-F]{31}$/);

      const notBefore = new Date(cert.validFrom).getTime();
      const notAfter = new Date(cert.validTo).getTime();
      assert.ok(Math.abs(started - HOUR_MS - notBefore) < 5_000, 'notBefore is one hour in the past');
      assert.equal(notAfter - notBefore, 90 * DAY_MS);

      const parsed = new x509.X509Certificate(generated.certPem);
      const basic = parsed.getExtension(x509.BasicConstraintsExtension);
      assert.equal(basic?.ca, false);
      assert.equal(basic?.critical, true);
      const usage = parsed.getExtension(x509.KeyUsagesExtension);
      const expectedUsage = x509.KeyUsageFlags.digitalSignature | (c.keyEncipherment ? x509.KeyUsageFlags.keyEncipherment : 0);
      assert.equal(usage?.usages, expectedUsage);
      assert.deepEqual([...(parsed.getExtension(x509.ExtendedKeyUsageExtension)?.usages ?? [])], [x509.ExtendedKeyUsage.serverAuth]);
      const ski = parsed.getExtension(x509.SubjectKeyIdentifierExtension);
      assert.match(ski?.keyId ?? '', /^[0-9a-f]{40}$/);
    });
  }

  it('defaults to the host name, localhost and the loopback addresses, valid 825 days', async () => {
    const generated = await generateSelfSignedCertificate();
    const cert = new X509Certificate(generated.certPem);
    const host = os.hostname();
    assert.equal(cert.subject, `CN=${host.length <= 64 ? host : 'localhost'}`);
    const sans = sanList(cert);
    for (const expected of ['DNS:localhost', 'IP Address:127.0.0.1', 'IP Address:0:0:0:0:0:0:0:1']) {
      assert.ok(sans.includes(expected), `${expected} in ${sans.join(', ')}`);
    }
    assert.equal(cert.publicKey.asymmetricKeyType, 'ec');
    assert.equal((new Date(cert.validTo).getTime() - new Date(cert.validFrom).getTime()) / DAY_MS, 825);
  });

  it('does not repeat a CN that is already a default SAN', async () => {
    const cert = new X509Certificate((await generateSelfSignedCertificate({ commonName: 'localhost' })).certPem);
    assert.deepEqual(sanList(cert), ['DNS:localhost', 'IP Address:127.0.0.1', 'IP Address:0:0:0:0:0:0:0:1']);
  });

  it('adds the CN to explicit SANs and normalises names and addresses', async () => {
    const cert = new X509Certificate(
      (await generateSelfSignedCertificate({ commonName: '10.0.0.5', subjectAltNames: ['Bücher.Example', '[::FFFF:192.0.2.1]', '*.example.org', 'files.example.org.'] })).certPem,
    );
    assert.deepEqual(sanList(cert), ['IP Address:10.0.0.5', 'DNS:xn--bcher-kva.example', 'IP Address:0:0:0:0:0:FFFF:C000:201', 'DNS:*.example.org', 'DNS:files.example.org']);
  });

  it('keeps a CN that is not a host name out of the SANs', async () => {
    const cert = new X509Certificate((await generateSelfSignedCertificate({ commonName: 'Ferry test server', subjectAltNames: ['localhost'] })).certPem);
    assert.equal(cert.subject, 'CN=Ferry test server');
    assert.deepEqual(sanList(cert), ['DNS:localhost']);
  });

  it('refuses bad input with BAD_ARGUMENT', async () => {
    const bad = [
      { subjectAltNames: ['not a host'] },
      { subjectAltNames: ['fe80::1%eth0'] },
      { subjectAltNames: ['-bad-.example'] },
      { subjectAltNames: [] as string[], commonName: 'My Server' },
      { days: 0 },
      { days: 1.5 },
      { commonName: 'x'.repeat(65) },
      { keyType: 'dsa-1024' as KeyType },
    ];
    for (const opts of bad) {
      await assert.rejects(generateSelfSignedCertificate(opts), (err: unknown) => isFerryError(err, 'BAD_ARGUMENT'), JSON.stringify(opts));
    }
  });
});

describe('writeCertificateFiles', () => {
  let dir: string;
  let material: { certPem: string; keyPem: string };
  before(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'ferry-cert-write-'));
    material = await generateSelfSignedCertificate({ commonName: 'localhost' });
  });
  after(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('creates the folder and writes cert.pem 0644 and key.pem 0600', async () => {
    const target = path.join(dir, 'nested', 'tls');
    const files = await writeCertificateFiles(target, material);
    assert.deepEqual(files, { certFile: path.join(target, 'cert.pem'), keyFile: path.join(target, 'key.pem') });
    assert.equal(await readFile(files.certFile, 'utf8'), material.certPem);
    assert.equal(await readFile(files.keyFile, 'utf8'), material.keyPem);
    if (process.platform !== 'win32') {
      assert.equal((await stat(files.keyFile)).mode & 0o777, 0o600);
      assert.equal((await stat(files.certFile)).mode & 0o777, 0o644);
    }
    assert.deepEqual((await readdir(target)).sort(), ['cert.pem', 'key.pem'], 'no temp files left behind');
  });

  it('replaces an existing world-readable key.pem with a private one', async () => {
    const target = path.join(dir, 'replace');
    await writeCertificateFiles(target, material);
    await writeFile(path.join(target, 'key.pem'), 'old', { mode: 0o644 });
    const fresh = await generateSelfSignedCertificate({ commonName: 'localhost' });
    const files = await writeCertificateFiles(target, fresh);
    assert.equal(await readFile(files.keyFile, 'utf8'), fresh.keyPem);
    assert.equal(await readFile(files.certFile, 'utf8'), fresh.certPem);
    if (process.platform !== 'win32') assert.equal((await stat(files.keyFile)).mode & 0o777, 0o600);
  });
});
