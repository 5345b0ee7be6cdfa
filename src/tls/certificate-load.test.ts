// Tests loading certificate material from inline PEM and files, and the key file permission warning.

import assert from 'node:assert/strict';
import { X509Certificate, createPrivateKey } from 'node:crypto';
import { chmod, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { isFerryError } from '../errors/ferry-error.js';
import { generateSelfSignedCertificate } from './certificate-generate.js';
import { keyFilePermissionWarning, loadCertificateMaterial } from './certificate-load.js';

const POSIX = process.platform !== 'win32';
const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;

function certificateError(pattern: RegExp) {
  return (err: unknown): boolean => isFerryError(err, 'CERTIFICATE_INVALID') && pattern.test(err.message);
}

describe('loadCertificateMaterial', () => {
  let dir: string;
  let certPem: string;
  let keyPem: string;
  before(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'ferry-cert-load-'));
    ({ certPem, keyPem } = await generateSelfSignedCertificate({ commonName: 'localhost' }));
    await writeFile(path.join(dir, 'cert.pem'), certPem);
    await mkdir(path.join(dir, 'private'));
    await writeFile(path.join(dir, 'private', 'key.pem'), keyPem, { mode: 0o600 });
  });
  after(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('returns undefined when no certificate or key is configured', async () => {
    assert.equal(await loadCertificateMaterial({}, dir), undefined);
    assert.equal(await loadCertificateMaterial({ cert: '', key: '  ', passphrase: 'x' }, dir), undefined);
  });

  it('reads files relative to the base folder', async () => {
    const material = await loadCertificateMaterial({ certFile: 'cert.pem', keyFile: 'private/key.pem', passphrase: 'pw' }, dir);
    assert.deepEqual(material, {
      certPem,
      keyPem,
      passphrase: 'pw',
      source: 'file',
      certFile: path.join(dir, 'cert.pem'),
      keyFile: path.join(dir, 'private', 'key.pem'),
    });
  });

  it('reads absolute file paths as they are', async () => {
    const material = await loadCertificateMaterial({ certFile: path.join(dir, 'cert.pem'), keyFile: path.join(dir, 'private', 'key.pem') }, '/nonexistent');
    assert.equal(material?.certPem, certPem);
    assert.equal(material?.keyFile, path.join(dir, 'private', 'key.pem'));
  });

  it('prefers inline PEM over the file fields', async () => {
    const material = await loadCertificateMaterial({ cert: certPem, key: keyPem, certFile: 'missing.pem', keyFile: 'missing.key' }, dir);
    assert.deepEqual(material, { certPem, keyPem, source: 'inline' });
  });

  it('mixes an inline certificate with a key file, reporting the file', async () => {
    const material = await loadCertificateMaterial({ cert: certPem, keyFile: 'private/key.pem' }, dir);
    assert.equal(material?.source, 'file');
    assert.equal(material?.certFile, undefined);
    assert.equal(material?.keyFile, path.join(dir, 'private', 'key.pem'));
    assert.equal(material?.keyPem, keyPem);
  });

  it('repairs inline PEM pasted with indentation, CRLF or literal \\n escapes', async () => {
    const indented = certPem.split('\n').map((line) => `    ${line}`).join('\r\n');
    const escaped = keyPem.trim().split('\n').join('\\n');
    const material = await loadCertificateMaterial({ cert: indented, key: escaped }, dir);
    assert.equal(material?.certPem, certPem);
    assert.equal(material?.keyPem, keyPem);
    assert.equal(new X509Certificate(material!.certPem).checkPrivateKey(createPrivateKey(material!.keyPem)), true);
  });

  it('names the file that is missing', async () => {
    await assert.rejects(
      loadCertificateMaterial({ certFile: 'cert.pem', keyFile: 'nope/key.pem' }, dir),
      certificateError(new RegExp(`^tls\\.keyFile: cannot read ${path.join(dir, 'nope', 'key.pem').replace(/[.\\/]/g, '\\$&')}: file not found$`)),
    );
    await assert.rejects(loadCertificateMaterial({ certFile: 'gone.pem', keyFile: 'private/key.pem' }, dir), certificateError(/tls\.certFile: .*gone\.pem: file not found/));
  });

  it('names a file it may not read', { skip: !POSIX || isRoot ? 'file modes do not stop this user' : false }, async () => {
    const locked = path.join(dir, 'locked.pem');
    await writeFile(locked, certPem, { mode: 0o000 });
    await assert.rejects(loadCertificateMaterial({ certFile: locked, keyFile: 'private/key.pem' }, dir), certificateError(/locked\.pem: permission denied/));
  });

  it('refuses a folder, a binary DER file and a huge file', async () => {
    await assert.rejects(loadCertificateMaterial({ certFile: 'private', keyFile: 'private/key.pem' }, dir), certificateError(/private is a folder/));

    const der = Buffer.from(certPem.replace(/-----[A-Z ]+-----|\s/g, ''), 'base64');
    await writeFile(path.join(dir, 'cert.der'), der);
    await assert.rejects(
      loadCertificateMaterial({ certFile: 'cert.der', keyFile: 'private/key.pem' }, dir),
      certificateError(/binary \(DER or PKCS#12\).*openssl x509 -inform der/),
    );

    await writeFile(path.join(dir, 'huge.pem'), Buffer.alloc(1024 * 1024 + 1, 0x41));
    await assert.rejects(loadCertificateMaterial({ certFile: 'huge.pem', keyFile: 'private/key.pem' }, dir), certificateError(/too large/));
  });

  it('refuses half a configuration', async () => {
    await assert.rejects(loadCertificateMaterial({ certFile: 'cert.pem' }, dir), certificateError(/no private key/));
    await assert.rejects(loadCertificateMaterial({ key: keyPem }, dir), certificateError(/no certificate/));
  });

  it('points a file path given as inline PEM to the file field', async () => {
    await assert.rejects(loadCertificateMaterial({ cert: '/etc/ferry/cert.pem', keyFile: 'private/key.pem' }, dir), certificateError(/use tls\.certFile: \/etc\/ferry\/cert\.pem/));
    await assert.rejects(loadCertificateMaterial({ cert: certPem, key: 'hello' }, dir), certificateError(/tls\.key does not contain PEM text/));
  });
});

describe('keyFilePermissionWarning', { skip: !POSIX ? 'POSIX file modes only' : false }, () => {
  let dir: string;
  before(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'ferry-key-mode-'));
  });
  after(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('is silent for a private key file and a missing one', async () => {
    const file = path.join(dir, 'private.pem');
    await writeFile(file, 'k');
    await chmod(file, 0o600);
    assert.equal(await keyFilePermissionWarning(file), undefined);
    await chmod(file, 0o400);
    assert.equal(await keyFilePermissionWarning(file), undefined);
    assert.equal(await keyFilePermissionWarning(path.join(dir, 'missing.pem')), undefined);
  });

  it('warns when the group or others can access the key', async () => {
    const file = path.join(dir, 'open.pem');
    await writeFile(file, 'k');
    await chmod(file, 0o640);
    assert.equal(
      await keyFilePermissionWarning(file),
      `Private key file ${file} is accessible by its group (mode 0640); anyone who can read it can impersonate this server. Run \`chmod 600 ${file}\``,
    );
    await chmod(file, 0o604);
    assert.match((await keyFilePermissionWarning(file)) ?? '', /accessible by all other users \(mode 0604\)/);
    await chmod(file, 0o644);
    assert.match((await keyFilePermissionWarning(file)) ?? '', /accessible by its group and all other users \(mode 0644\)/);
  });
});
