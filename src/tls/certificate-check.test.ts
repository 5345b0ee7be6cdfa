// Tests the certificate checks on real bad material: OpenSSL-made weak and encrypted keys, and
// certificates with past, future and near-expiry dates built with @peculiar/x509.

import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createPrivateKey, KeyObject, webcrypto } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { checkCertificate, type CertificateFinding } from './certificate-check.js';
import { generateSelfSignedCertificate } from './certificate-generate.js';
import { x509 } from './peculiar-x509.js';

const DAY_MS = 86_400_000;
const NOW = new Date('2026-03-01T12:00:00Z');
const EC_SHA256 = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' };
const RSA1024_SHA1 = { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-1', publicExponent: new Uint8Array([1, 0, 1]), modulusLength: 1024 };

type Material = { certPem: string; keyPem: string };

async function makeCertificate(notBefore: Date, notAfter: Date, algorithm: typeof EC_SHA256 | typeof RSA1024_SHA1 = EC_SHA256): Promise<Material> {
  const keys = (await webcrypto.subtle.generateKey(algorithm, true, ['sign', 'verify'])) as unknown as CryptoKeyPair;
  const cert = await x509.X509CertificateGenerator.createSelfSigned({ name: 'CN=test', keys, notBefore, notAfter, signingAlgorithm: algorithm });
  const keyPem = KeyObject.from(keys.privateKey as unknown as webcrypto.CryptoKey).export({ type: 'pkcs8', format: 'pem' }).toString();
  return { certPem: cert.toString('pem'), keyPem };
}

function openssl(args: string[], cwd: string): void {
  execFileSync('openssl', args, { cwd, stdio: 'pipe' });
}

function summary(findings: CertificateFinding[]): string[] {
  return findings.map((f) => `${f.severity}:${f.code}`);
}

describe('checkCertificate', () => {
  let dir: string;
  before(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'ferry-cert-check-'));
  });
  after(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('finds nothing wrong with a freshly generated pair', async () => {
    for (const keyType of ['ec-p256', 'rsa-2048'] as const) {
      const generated = await generateSelfSignedCertificate({ keyType, commonName: 'localhost' });
      assert.deepEqual(checkCertificate(generated), [], keyType);
    }
  });

  it('rejects the old `openssl req -sha1 -newkey rsa:1024` recipe', async () => {
    let weak: Material;
    try {
      openssl(['req', '-x509', '-newkey', 'rsa:1024', '-sha1', '-nodes', '-days', '1', '-subj', '/CN=weak', '-keyout', 'weak.key', '-out', 'weak.crt'], dir);
      weak = { certPem: await readFile(path.join(dir, 'weak.crt'), 'utf8'), keyPem: await readFile(path.join(dir, 'weak.key'), 'utf8') };
    } catch {
      // An OpenSSL built to refuse SHA-1 or 1024-bit keys: build the same certificate with WebCrypto.
      weak = await makeCertificate(new Date(), new Date(Date.now() + DAY_MS), RSA1024_SHA1);
    }
    const findings = checkCertificate(weak);
    assert.deepEqual(summary(findings), ['error:KEY_TOO_SMALL', 'error:WEAK_SIGNATURE', 'warning:CERT_EXPIRING_SOON']);
    assert.match(findings[0]!.message, /RSA key is only 1024 bits/);
    assert.match(findings[1]!.message, /sha1WithRSAEncryption \(SHA-1\)/);
    for (const finding of findings.slice(0, 2)) assert.match(finding.fix, /`ferry cert generate --cn <host>`/);
  });

  it('reports an expired certificate with its date', async () => {
    const material = await makeCertificate(new Date(NOW.getTime() - 400 * DAY_MS), new Date('2026-02-19T12:00:00Z'));
    const findings = checkCertificate({ ...material, now: NOW });
    assert.deepEqual(summary(findings), ['error:CERT_EXPIRED']);
    assert.match(findings[0]!.message, /expired on 2026-02-19 12:00:00 UTC \(10 days ago\)/);
  });

  it('reports a certificate that is not valid yet', async () => {
    const material = await makeCertificate(new Date('2026-03-06T00:00:00Z'), new Date(NOW.getTime() + 365 * DAY_MS));
    const findings = checkCertificate({ ...material, now: NOW });
    assert.deepEqual(summary(findings), ['error:CERT_NOT_YET_VALID']);
    assert.match(findings[0]!.message, /not valid before 2026-03-06 00:00:00 UTC; it is now 2026-03-01 12:00:00 UTC/);
    assert.match(findings[0]!.fix, /clock/);
  });

  it('only warns about a certificate expiring in 10 days', async () => {
    const material = await makeCertificate(new Date(NOW.getTime() - 80 * DAY_MS), new Date(NOW.getTime() + 10 * DAY_MS + 60_000));
    const findings = checkCertificate({ ...material, now: NOW });
    assert.deepEqual(summary(findings), ['warning:CERT_EXPIRING_SOON']);
    assert.match(findings[0]!.message, /expires on 2026-03-11 12:01:00 UTC, in 10 days/);
  });

  it('uses the current time when no `now` is given', async () => {
    const material = await makeCertificate(new Date(Date.now() - 2 * DAY_MS), new Date(Date.now() - DAY_MS));
    assert.deepEqual(summary(checkCertificate(material)), ['error:CERT_EXPIRED']);
  });

  it('reports a key that belongs to another certificate', async () => {
    const a = await generateSelfSignedCertificate({ commonName: 'localhost' });
    const b = await generateSelfSignedCertificate({ commonName: 'localhost' });
    const findings = checkCertificate({ certPem: a.certPem, keyPem: b.keyPem });
    assert.deepEqual(summary(findings), ['error:KEY_MISMATCH']);
    assert.match(findings[0]!.message, /does not belong to the certificate/);
  });

  it('tells a chain in the wrong order from a mismatched key', async () => {
    const leaf = await generateSelfSignedCertificate({ commonName: 'localhost' });
    const other = await generateSelfSignedCertificate({ commonName: 'localhost' });
    const findings = checkCertificate({ certPem: other.certPem + leaf.certPem, keyPem: leaf.keyPem });
    assert.deepEqual(summary(findings), ['error:CHAIN_ORDER']);
    assert.match(findings[0]!.message, /certificate 2 of the 2/);
  });

  it('checks the passphrase of an encrypted PKCS#8 key made by OpenSSL', async () => {
    openssl(['genpkey', '-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-256', '-aes256', '-pass', 'pass:secret', '-out', 'enc.key'], dir);
    openssl(['req', '-x509', '-key', 'enc.key', '-passin', 'pass:secret', '-sha256', '-days', '365', '-subj', '/CN=enc', '-out', 'enc.crt'], dir);
    const certPem = await readFile(path.join(dir, 'enc.crt'), 'utf8');
    const keyPem = await readFile(path.join(dir, 'enc.key'), 'utf8');
    assert.match(keyPem, /-----BEGIN ENCRYPTED PRIVATE KEY-----/);

    assert.deepEqual(checkCertificate({ certPem, keyPem, passphrase: 'secret' }), []);
    assert.deepEqual(summary(checkCertificate({ certPem, keyPem, passphrase: 'wrong' })), ['error:KEY_PASSPHRASE_WRONG']);
    assert.deepEqual(summary(checkCertificate({ certPem, keyPem })), ['error:KEY_PASSPHRASE_MISSING']);
    assert.deepEqual(summary(checkCertificate({ certPem, keyPem, passphrase: '' })), ['error:KEY_PASSPHRASE_MISSING']);
  });

  it('checks the passphrase of a traditional "Proc-Type: 4,ENCRYPTED" key', async () => {
    const generated = await generateSelfSignedCertificate({ commonName: 'localhost' });
    const keyPem = createPrivateKey(generated.keyPem).export({ type: 'sec1', format: 'pem', cipher: 'aes-128-cbc', passphrase: 'pw' }).toString();
    assert.match(keyPem, /Proc-Type: 4,ENCRYPTED/);
    assert.deepEqual(checkCertificate({ certPem: generated.certPem, keyPem, passphrase: 'pw' }), []);
    assert.deepEqual(summary(checkCertificate({ certPem: generated.certPem, keyPem, passphrase: 'nope' })), ['error:KEY_PASSPHRASE_WRONG']);
    assert.deepEqual(summary(checkCertificate({ certPem: generated.certPem, keyPem })), ['error:KEY_PASSPHRASE_MISSING']);
  });

  it('reports unparseable and swapped material', async () => {
    const generated = await generateSelfSignedCertificate({ commonName: 'localhost' });
    assert.deepEqual(summary(checkCertificate({ certPem: 'not a certificate', keyPem: generated.keyPem })), ['error:CERT_UNPARSEABLE']);

    const damagedKey = generated.keyPem.replace(/\n[A-Za-z0-9+/]{16}/, '\n****************');
    const damaged = checkCertificate({ certPem: generated.certPem, keyPem: damagedKey });
    assert.deepEqual(summary(damaged), ['error:KEY_UNPARSEABLE']);
    assert.match(damaged[0]!.message, /could not be parsed/);

    const swapped = checkCertificate({ certPem: generated.keyPem, keyPem: generated.certPem });
    assert.deepEqual(summary(swapped), ['error:CERT_UNPARSEABLE', 'error:KEY_UNPARSEABLE']);
    assert.match(swapped[0]!.message, /swapped/);
    assert.match(swapped[1]!.message, /swapped/);
  });

  it('still reports a weak key when the certificate cannot be parsed', async () => {
    const weak = await makeCertificate(new Date(), new Date(Date.now() + 365 * DAY_MS), RSA1024_SHA1);
    assert.deepEqual(summary(checkCertificate({ certPem: '', keyPem: weak.keyPem })), ['error:CERT_UNPARSEABLE', 'error:KEY_TOO_SMALL']);
  });
});
