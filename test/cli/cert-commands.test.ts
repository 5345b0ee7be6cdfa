// `ferry cert generate|show` as child processes: files and modes, the printed SHA-256 fingerprint
// matches the certificate, RSA keys work, and `show` prints subject, SANs, validity, key and fingerprint.
import assert from 'node:assert/strict';
import { X509Certificate, createPrivateKey } from 'node:crypto';
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import YAML from 'yaml';
import { runFerry } from './run-ferry.js';

let dir: string;
before(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'ferry-cli-cert-'));
});
after(async () => {
  await rm(dir, { recursive: true, force: true });
});

const FINGERPRINT = /^SHA-256 fingerprint: ((?:[0-9A-F]{2}:){31}[0-9A-F]{2})$/m;

describe('ferry cert generate', () => {
  it('writes an EC P-256 certificate with the requested names and prints its fingerprint', async () => {
    const out = path.join(dir, 'ec');
    const r = await runFerry(['cert', 'generate', '--cn', 'test.example', '--san', '127.0.0.1', '--san', 'localhost', '--key', 'ec-p256', '--out', out]);
    assert.equal(r.code, 0, r.stderr);
    const certFile = path.join(out, 'cert.pem');
    const keyFile = path.join(out, 'key.pem');
    assert.equal((await stat(keyFile)).mode & 0o777, 0o600);
    assert.equal((await stat(certFile)).mode & 0o777, 0o644); // the certificate is public; only the key is private

    const pem = await readFile(certFile, 'utf8');
    const cert = new X509Certificate(pem);
    assert.equal(FINGERPRINT.exec(r.stdout)?.[1], cert.fingerprint256);
    assert.equal(cert.subject, 'CN=test.example');
    assert.match(cert.subjectAltName ?? '', /IP Address:127\.0\.0\.1/);
    assert.match(cert.subjectAltName ?? '', /DNS:localhost/);
    assert.equal(cert.publicKey.asymmetricKeyType, 'ec');
    assert.equal(cert.publicKey.asymmetricKeyDetails?.namedCurve, 'prime256v1');
    assert.ok(cert.checkPrivateKey(createPrivateKey(await readFile(keyFile, 'utf8'))));
    assert.ok(r.stdout.includes(`Certificate: ${certFile}`) && r.stdout.includes(`Private key: ${keyFile}`));
  });

  it('writes an RSA-2048 certificate with --key rsa-2048', async () => {
    const out = path.join(dir, 'rsa');
    const r = await runFerry(['cert', 'generate', '--cn', 'test.example', '--key', 'rsa-2048', '--out', out]);
    assert.equal(r.code, 0, r.stderr);
    const cert = new X509Certificate(await readFile(path.join(out, 'cert.pem'), 'utf8'));
    assert.equal(cert.publicKey.asymmetricKeyType, 'rsa');
    assert.equal(cert.publicKey.asymmetricKeyDetails?.modulusLength, 2048);
    assert.equal(FINGERPRINT.exec(r.stdout)?.[1], cert.fingerprint256);
    assert.equal((await stat(path.join(out, 'key.pem'))).mode & 0o777, 0o600);
  });

  it('refuses an unknown key type with exit 2', async () => {
    const r = await runFerry(['cert', 'generate', '--key', 'rsa-1024', '--out', path.join(dir, 'weak')]);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /rsa-1024/);
    assert.match(r.stderr, /ec-p256/);
  });
});

describe('ferry cert show', () => {
  it('prints subject, SANs, validity, key type and fingerprint of --file and of the configured certificate', async () => {
    const out = path.join(dir, 'show');
    const gen = await runFerry(['cert', 'generate', '--cn', 'test.example', '--san', '127.0.0.1', '--san', 'localhost', '--days', '30', '--out', out]);
    assert.equal(gen.code, 0, gen.stderr);
    const certFile = path.join(out, 'cert.pem');
    const cert = new X509Certificate(await readFile(certFile, 'utf8'));

    const configFile = path.join(dir, 'show.yaml');
    await writeFile(configFile, YAML.stringify({ tls: { certFile: 'show/cert.pem', keyFile: 'show/key.pem' } }));
    const [byFile, byConfig] = await Promise.all([
      runFerry(['cert', 'show', '--file', certFile]),
      runFerry(['cert', 'show', '-c', configFile]),
    ]);
    for (const r of [byFile, byConfig]) {
      assert.equal(r.code, 0, r.stderr);
      assert.match(r.stdout, /^Subject:\s+CN=test\.example$/m);
      assert.match(r.stdout, /^Alt names:\s+.*IP:127\.0\.0\.1.*DNS:localhost/m);
      assert.match(r.stdout, /^Valid from:\s+\d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC$/m);
      assert.match(r.stdout, /^Valid until:\s+\d{4}-\d\d-\d\d .* \((29|30) days left\)$/m);
      assert.match(r.stdout, /^Key:\s+EC P-256/m);
      assert.match(r.stdout, new RegExp(`^SHA-256:\\s+${cert.fingerprint256}$`, 'm'));
    }
    // 30 days is inside the expiry warning window: the configured-certificate path says so
    assert.match(byConfig.stderr, /warning: The certificate expires/);
  });
});
