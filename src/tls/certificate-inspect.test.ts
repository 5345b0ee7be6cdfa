// Tests certificate inspection on generated, OpenSSL-made and hand-built (SHA-1, chained) certificates.

import assert from 'node:assert/strict';
import { X509Certificate, webcrypto } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { describe, it } from 'node:test';
import { isFerryError } from '../errors/ferry-error.js';
import { generateSelfSignedCertificate } from './certificate-generate.js';
import { formatCertificateInfo, inspectCertificate, splitCertificateChain } from './certificate-inspect.js';
import { x509 } from './peculiar-x509.js';

const DAY_MS = 86_400_000;
const RSA_SHA1 = { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-1', publicExponent: new Uint8Array([1, 0, 1]), modulusLength: 1024 };
const EC_SHA256 = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' };

async function makeKeys(algorithm: typeof RSA_SHA1 | typeof EC_SHA256): Promise<CryptoKeyPair> {
  return (await webcrypto.subtle.generateKey(algorithm, true, ['sign', 'verify'])) as unknown as CryptoKeyPair;
}

describe('inspectCertificate', () => {
  it('describes a generated EC certificate the way Node and FileZilla do', async () => {
    const { certPem } = await generateSelfSignedCertificate({ commonName: 'ftp.example.com', days: 30 });
    const node = new X509Certificate(certPem);
    const info = inspectCertificate(certPem);
    assert.equal(info.subject, 'CN=ftp.example.com');
    assert.equal(info.issuer, 'CN=ftp.example.com');
    assert.deepEqual(info.subjectAltNames, ['DNS:ftp.example.com', 'DNS:localhost', 'IP:127.0.0.1', 'IP:::1']);
    assert.equal(info.notBefore.getTime(), new Date(node.validFrom).getTime());
    assert.equal(info.notAfter.getTime(), new Date(node.validTo).getTime());
    assert.equal(info.serial, node.serialNumber);
    assert.equal(info.keyType, 'EC');
    assert.equal(info.keySize, 256);
    assert.equal(info.curve, 'P-256');
    assert.equal(info.signatureAlgorithm, 'ecdsa-with-SHA256');
    assert.equal(info.signatureHash, 'SHA-256');
    assert.equal(info.selfSigned, true);
    assert.equal(info.fingerprintSha256, node.fingerprint256);
    assert.equal(info.fingerprintSha1, node.fingerprint);
    assert.match(info.fingerprintSha1, /^([0-9A-F]{2}:){19}[0-9A-F]{2}$/);
    assert.equal(info.chainLength, 1);
  });

  it('reports RSA key size and signature', async () => {
    const info = inspectCertificate((await generateSelfSignedCertificate({ keyType: 'rsa-2048', commonName: 'localhost' })).certPem);
    assert.equal(info.keyType, 'RSA');
    assert.equal(info.keySize, 2048);
    assert.equal(info.curve, undefined);
    assert.equal(info.signatureAlgorithm, 'sha256WithRSAEncryption');
  });

  it('recognises a SHA-1 signature on a 1024-bit RSA key', async () => {
    const keys = await makeKeys(RSA_SHA1);
    const cert = await x509.X509CertificateGenerator.createSelfSigned({ name: 'CN=weak', keys, signingAlgorithm: RSA_SHA1 });
    const info = inspectCertificate(cert.toString('pem'));
    assert.equal(info.signatureAlgorithm, 'sha1WithRSAEncryption');
    assert.equal(info.signatureHash, 'SHA-1');
    assert.equal(info.keySize, 1024);
    assert.deepEqual(info.subjectAltNames, []);
  });

  it('reads an Ed25519 certificate made by OpenSSL', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'ferry-cert-inspect-'));
    try {
      const certFile = path.join(dir, 'cert.pem');
      execFileSync('openssl', ['req', '-x509', '-newkey', 'ed25519', '-nodes', '-days', '1', '-subj', '/CN=ed/O=Ferry Test', '-keyout', path.join(dir, 'key.pem'), '-out', certFile], { stdio: 'pipe' });
      const info = inspectCertificate(await readFile(certFile, 'utf8'));
      assert.equal(info.keyType, 'Ed25519');
      assert.equal(info.keySize, undefined);
      assert.equal(info.signatureAlgorithm, 'ED25519');
      assert.equal(info.signatureHash, undefined);
      assert.equal(info.subject, 'CN=ed, O=Ferry Test');
      assert.equal(info.selfSigned, true);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('inspects the leaf of a chain and counts the chain', async () => {
    const caKeys = await makeKeys(EC_SHA256);
    const ca = await x509.X509CertificateGenerator.createSelfSigned({
      name: 'CN=Ferry Test CA',
      keys: caKeys,
      signingAlgorithm: EC_SHA256,
      extensions: [new x509.BasicConstraintsExtension(true, undefined, true), new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign, true)],
    });
    const leafKeys = await makeKeys(EC_SHA256);
    const leaf = await x509.X509CertificateGenerator.create({
      subject: 'CN=leaf.example.com',
      issuer: ca.subject,
      publicKey: leafKeys.publicKey,
      signingKey: caKeys.privateKey,
      signingAlgorithm: EC_SHA256,
      extensions: [new x509.SubjectAlternativeNameExtension([{ type: 'dns', value: 'leaf.example.com' }])],
    });
    const bundle = `${leaf.toString('pem')}\n${ca.toString('pem')}\n`;
    assert.equal(splitCertificateChain(bundle).length, 2);
    const info = inspectCertificate(bundle);
    assert.equal(info.chainLength, 2);
    assert.equal(info.subject, 'CN=leaf.example.com');
    assert.equal(info.issuer, 'CN=Ferry Test CA');
    assert.equal(info.selfSigned, false);
    assert.deepEqual(info.subjectAltNames, ['DNS:leaf.example.com']);
    assert.match(formatCertificateInfo(info), /^Chain: +2 certificates \(leaf \+ 1\)$/m);
  });

  it('throws CERTIFICATE_INVALID for text without a certificate, a key, or damaged base64', async () => {
    const { keyPem, certPem } = await generateSelfSignedCertificate({ commonName: 'localhost' });
    assert.throws(() => inspectCertificate('hello'), (err: unknown) => isFerryError(err, 'CERTIFICATE_INVALID') && /no "-----BEGIN CERTIFICATE-----"/.test(err.message));
    assert.throws(() => inspectCertificate(keyPem), (err: unknown) => isFerryError(err, 'CERTIFICATE_INVALID') && /swapped/.test(err.message));
    const damaged = certPem.replace(/\n[A-Za-z0-9+/]{20}/, '\n!!!!');
    assert.throws(() => inspectCertificate(damaged), (err: unknown) => isFerryError(err, 'CERTIFICATE_INVALID') && /could not be parsed/.test(err.message));
  });
});

describe('formatCertificateInfo', () => {
  it('prints one aligned line per fact with the time left', async () => {
    const { certPem } = await generateSelfSignedCertificate({ commonName: 'localhost', days: 10 });
    const info = inspectCertificate(certPem);
    const text = formatCertificateInfo(info, new Date(info.notBefore.getTime() + 2 * DAY_MS));
    const lines = text.split('\n');
    assert.equal(lines.length, 11);
    assert.equal(lines[0], 'Subject:     CN=localhost');
    assert.equal(lines[1], 'Issuer:      CN=localhost (self-signed)');
    assert.equal(lines[2], 'Alt names:   DNS:localhost, IP:127.0.0.1, IP:::1');
    assert.match(lines[4]!, /^Valid until: +\d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC \(8 days left\)$/);
    assert.equal(lines[6], 'Key:         EC P-256 (256 bits)');
    assert.equal(lines[7], 'Signature:   ecdsa-with-SHA256');
    assert.equal(lines[8], `SHA-256:     ${info.fingerprintSha256}`);
    assert.equal(lines[10], 'Chain:       1 certificate');
  });

  it('says how long ago an expired certificate expired', async () => {
    const { certPem } = await generateSelfSignedCertificate({ commonName: 'localhost', days: 1 });
    const info = inspectCertificate(certPem);
    assert.match(formatCertificateInfo(info, new Date(info.notAfter.getTime() + 3.5 * DAY_MS)), /\(expired 3 days ago\)/);
    assert.match(formatCertificateInfo(info, new Date(info.notBefore.getTime() - DAY_MS)), /\(not yet valid\)/);
  });
});
