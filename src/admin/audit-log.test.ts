import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { generateSelfSignedCertificate } from '../tls/certificate-generate.js';
import { AuditLog, diffConfigs, maskChange } from './audit-log.js';

describe('audit log', () => {
  let dir: string;
  before(async () => (dir = await mkdtemp(path.join(os.tmpdir(), 'ferry-audit-'))));
  after(async () => rm(dir, { recursive: true, force: true }));

  it('masks keys, passphrases and passwords; names certificates by fingerprint', async () => {
    const cert = await generateSelfSignedCertificate({ commonName: 'audit.test' });
    assert.deepEqual(maskChange({ key: 'tls.key', old: undefined, new: cert.keyPem }), { key: 'tls.key', old: '(not set)', new: '(set)' });
    assert.deepEqual(maskChange({ key: 'tls.passphrase', old: 'a', new: 'b' }), { key: 'tls.passphrase', old: '(set)', new: '(changed)' });
    assert.deepEqual(maskChange({ key: 'password', old: 'a', new: undefined }), { key: 'password', old: '(set)', new: '(removed)' });
    assert.deepEqual(maskChange({ key: 'tls.cert', old: undefined, new: cert.certPem }), { key: 'tls.cert', old: undefined, new: `certificate SHA-256 ${cert.fingerprintSha256}` });
    assert.deepEqual(maskChange({ key: 'server.port', old: 1, new: 2 }), { key: 'server.port', old: 1, new: 2 });
    for (const change of [{ key: 'tls.key', old: undefined, new: 'K' }, { key: 'tls.key', old: 'K', new: 'L' }, { key: 'tls.cert', old: cert.certPem, new: undefined }]) {
      const once = maskChange(change);
      assert.deepEqual(maskChange(once), once, 'idempotent');
    }
  });

  it('diffs configs leaf by leaf', () => {
    const changes = diffConfigs({ server: { port: 21, banner: 'a' }, tls: { key: 'K1' } }, { server: { port: 2121, banner: 'a' }, tls: { key: 'K2' } });
    assert.deepEqual(changes, [
      { key: 'server.port', old: 21, new: 2121 },
      { key: 'tls.key', old: '(set)', new: '(changed)' },
    ]);
  });

  it('appends JSON lines (mode 0600) and reads them newest first, never holding a secret', async () => {
    const log = new AuditLog(path.join(dir, 'audit.log'));
    await log.append({ admin: 'admin', address: '127.0.0.1', action: 'tls.paste', changes: [{ key: 'tls.key', old: undefined, new: '-----BEGIN PRIVATE KEY-----x' }] });
    await log.append({ admin: 'admin', address: '127.0.0.1', action: 'user.add', target: 'bob' });
    const entries = await log.recent();
    assert.deepEqual(entries.map((e) => e.action), ['user.add', 'tls.paste']);
    assert.match(entries[1]!.time, /^\d{4}-\d\d-\d\dT/);
    const text = await readFile(log.file, 'utf8');
    assert.ok(!text.includes('PRIVATE KEY'));
    assert.equal((await stat(log.file)).mode & 0o777, 0o600);
    assert.deepEqual(await new AuditLog(path.join(dir, 'none.log')).recent(), []);
  });
});
