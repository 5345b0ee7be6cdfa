// `ferry check-config` as a child process: exit 0 for a valid config, 2 for an invalid value, a weak
// (RSA-1024/SHA-1) certificate or a mismatched certificate and key, with messages that say how to fix it.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { after, before, describe, it } from 'node:test';
import YAML from 'yaml';
import { generateSelfSignedCertificate, writeCertificateFiles } from '../../src/tls/certificate-generate.js';
import { runFerry } from './run-ferry.js';

let dir: string;
let good: { certFile: string; keyFile: string };
let other: { certFile: string; keyFile: string };

async function configFile(name: string, config: Record<string, unknown>): Promise<string> {
  const file = path.join(dir, name);
  await writeFile(file, YAML.stringify(config));
  return file;
}

before(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'ferry-cli-check-'));
  good = await writeCertificateFiles(path.join(dir, 'good'), await generateSelfSignedCertificate({ commonName: 'good.test' }));
  other = await writeCertificateFiles(path.join(dir, 'other'), await generateSelfSignedCertificate({ commonName: 'other.test' }));
});
after(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('ferry check-config', () => {
  it('accepts a valid config with its certificate (exit 0)', async () => {
    const file = await configFile('valid.yaml', { server: { port: 2200 }, tls: { mode: 'required', certFile: good.certFile, keyFile: 'good/key.pem' } });
    const r = await runFerry(['check-config', '-c', file]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, new RegExp(`${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: configuration is valid`));
    assert.equal(r.stderr, '');
  });

  it('refuses an invalid value with exit 2, naming the key and value', async () => {
    const file = await configFile('bad-port.yaml', { server: { port: 70000 }, tls: { mode: 'disabled' } });
    const r = await runFerry(['check-config', '--config', file]);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /server\.port: .*70000/);
    assert.ok(r.stderr.includes(file));
  });

  it('refuses an RSA-1024/SHA-1 certificate with exit 2 and points at `ferry cert generate`', async () => {
    const weak = path.join(dir, 'weak');
    await mkdir(weak);
    await promisify(execFile)(
      'openssl',
      ['req', '-x509', '-newkey', 'rsa:1024', '-sha1', '-nodes', '-days', '30', '-subj', '/CN=weak', '-keyout', 'k', '-out', 'c'],
      { cwd: weak, timeout: 10_000 },
    );
    const file = await configFile('weak.yaml', { tls: { certFile: 'weak/c', keyFile: 'weak/k' } });
    const r = await runFerry(['check-config', '-c', file]);
    assert.equal(r.code, 2, r.stderr);
    assert.match(r.stderr, /1024 bits/);
    assert.match(r.stderr, /SHA-1/);
    assert.match(r.stderr, /ferry cert generate/);
    assert.doesNotMatch(r.stdout, /configuration is valid/);
  });

  it('refuses a certificate with the key of another one (exit 2)', async () => {
    const file = await configFile('mismatch.yaml', { tls: { certFile: good.certFile, keyFile: other.keyFile } });
    const r = await runFerry(['check-config', '-c', file]);
    assert.equal(r.code, 2, r.stderr);
    assert.match(r.stderr, /private key does not belong to the certificate/);
    assert.match(r.stderr, /ferry cert generate/);
  });

  it('reads the config named by FERRY_CONFIG when -c is not given', async () => {
    const file = await configFile('from-env.yaml', { tls: { mode: 'disabled' } });
    const r = await runFerry(['check-config'], { env: { FERRY_CONFIG: file } });
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout.trim(), `${file}: configuration is valid`);
  });

  it('refuses a missing config file with exit 2, naming it', async () => {
    const file = path.join(dir, 'nope.yaml');
    const r = await runFerry(['check-config', '-c', file]);
    assert.equal(r.code, 2);
    assert.ok(r.stderr.includes(`${file}: cannot read config file`), r.stderr);
  });
});
