// What the admin pages show: every user-provided value escaped (user names, folders, banner, file
// names), no private key or passphrase in any response, log or audit line, and the audit log of changes.
import assert from 'node:assert/strict';
import { createPrivateKey } from 'node:crypto';
import { readFile, stat } from 'node:fs/promises';
import { Readable } from 'node:stream';
import { after, before, describe, it } from 'node:test';
import { Client } from 'basic-ftp';
import { generateSelfSignedCertificate } from '../../src/tls/certificate-generate.js';
import { AdminHttpClient } from './admin-http-client.js';
import { startLoggedInAdmin, type AdminTestServer } from './admin-test-server.js';
import { serviceForm } from './service-form.js';

const SCRIPT = '<script>alert(1)</script>';
const FILE_NAME = '<b onmouseover="alert(1)">x.txt';

describe('admin page content', () => {
  let server: AdminTestServer;
  let admin: AdminHttpClient;
  before(async () => {
    ({ server, admin } = await startLoggedInAdmin());
  });
  after(async () => server?.stop());

  it('shows a user named <script> as text in the error, never as markup', async () => {
    await admin.get('/users');
    const r = await admin.post('/users', { name: SCRIPT, password: 'pw-123456', permissions: ['list', 'read'], tls: 'inherit', reuse: 'inherit' });
    assert.equal(r.status, 400);
    assert.ok(r.body.includes('value="&lt;script&gt;alert(1)&lt;/script&gt;"'), 'the name is shown back escaped');
    assert.ok(!r.body.includes(SCRIPT));
    assert.match(r.body, /id="f-name-error">letters, digits/);
  });

  it('escapes a home folder, the banner and an uploaded file name wherever they appear', async () => {
    const home = '<img src=x onerror=alert(1)>';
    await admin.get('/users');
    const added = await admin.post('/users', { name: 'eve', password: 'pw-eve-123', home, permissions: ['list', 'read', 'write'], tls: 'inherit', reuse: 'inherit' });
    assert.equal(added.status, 303, added.body);
    const users = await admin.get('/users');
    assert.ok(users.body.includes('&lt;img src=x onerror=alert(1)&gt;'));
    assert.ok(!users.body.includes(home));
    const edit = await admin.get('/users/eve');
    assert.ok(edit.body.includes('value="&lt;img src=x onerror=alert(1)&gt;"'));

    await admin.get('/service');
    const saved = await admin.post('/service', serviceForm(server.running.server.currentConfig, { 'server.banner': `Hi ${SCRIPT}` }));
    assert.equal(saved.status, 303, saved.body);
    const service = await admin.get('/service');
    assert.ok(service.body.includes('value="Hi &lt;script&gt;alert(1)&lt;/script&gt;"'));
    assert.ok(!service.body.includes(SCRIPT));

    const ftp = new Client(10_000);
    try {
      await ftp.access({ host: '127.0.0.1', port: server.ftpPort, user: server.user.name, password: server.user.password, secure: true, secureOptions: { rejectUnauthorized: false } });
      assert.match(ftp.ftp.socket.localAddress ?? '', /127\.0\.0\.1/);
      await ftp.uploadFrom(Readable.from(Buffer.from('x')), FILE_NAME);
    } finally {
      ftp.close();
    }
    const status = await admin.get('/');
    assert.ok(status.body.includes('/&lt;b onmouseover=&quot;alert(1)&quot;&gt;x.txt'), 'the transfer is listed, escaped');
    assert.ok(!status.body.includes(FILE_NAME));
    const audit = await admin.get('/audit');
    assert.ok(audit.body.includes('Hi &lt;script&gt;alert(1)&lt;/script&gt;'));
    assert.ok(!audit.body.includes(SCRIPT));
  });

  it('never shows a private key or its passphrase: pages, API, metrics, audit log and logs', async () => {
    const generated = await generateSelfSignedCertificate({ commonName: 'secret.test', subjectAltNames: ['secret.test', '127.0.0.1'] });
    const passphrase = 'very-secret-passphrase-42';
    const encryptedKey = createPrivateKey(generated.keyPem).export({ type: 'pkcs8', format: 'pem', cipher: 'aes-256-cbc', passphrase }).toString();
    await admin.get('/tls');
    const pasted = await admin.post('/tls/certificate', { 'tls.cert': generated.certPem, 'tls.key': encryptedKey, 'tls.passphrase': passphrase });
    assert.equal(pasted.status, 303, pasted.body);
    const tlsPage = await admin.get(pasted.headers.location!);
    assert.match(tlsPage.body, /Certificate checked and in use/);
    assert.ok(tlsPage.body.includes(generated.fingerprintSha256));
    assert.match(tlsPage.body, /A key is set \(EC P-256\); it matches the certificate/);

    const secretLines = [...generated.keyPem.split('\n'), ...encryptedKey.split('\n')].filter((l) => l.length > 20 && !l.startsWith('-----'));
    const leaks = (text: string) => /PRIVATE KEY/.test(text) || text.includes(passphrase) || secretLines.some((l) => text.includes(l));
    for (const path of ['/', '/service', '/tls', '/users', '/users/alice', '/sessions', '/audit', '/api/status', '/api/users', '/api/sessions', '/api/transfers', '/metrics']) {
      const r = await admin.get(path);
      assert.equal(r.status, 200, path);
      assert.ok(!leaks(r.body), `${path} shows key material`);
    }
    const audit = await readFile(`${server.dir}/audit.log`, 'utf8');
    assert.ok(!leaks(audit), 'audit log');
    assert.match(audit, /"key":"tls\.key","old":"\(not set\)","new":"\(set\)"/);
    assert.match(audit, /"key":"tls\.passphrase","old":"\(not set\)","new":"\(set\)"/);
    assert.ok(audit.includes(`certificate SHA-256 ${generated.fingerprintSha256}`));
    assert.ok(!leaks(JSON.stringify(server.logs)), 'server log');
    // The key lives only in the config file, which is private, and its previous version is kept.
    assert.ok((await readFile(server.configFile, 'utf8')).includes(encryptedKey.split('\n')[1]!));
    assert.equal((await stat(server.configFile)).mode & 0o777, 0o600);
    assert.match(await readFile(`${server.configFile}.bak`, 'utf8'), /^# Written by the admin tests/);
  });

  it('records who changed what, from where, with old and new values', async () => {
    const entries = (await readFile(`${server.dir}/audit.log`, 'utf8')).trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    const banner = entries.find((e) => e.action === 'service.settings');
    assert.ok(banner);
    assert.equal(banner.admin, 'admin');
    assert.equal(banner.address, '127.0.0.1');
    assert.deepEqual(banner.changes, [{ key: 'server.banner', old: 'Ferry FTP server ready', new: `Hi ${SCRIPT}` }]);
    assert.match(String(banner.time), /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d/);
    assert.deepEqual(entries.map((e) => e.action), ['login', 'user.add', 'service.settings', 'tls.certificate']);
    const page = await admin.get('/audit');
    assert.match(page.body, /<code>server\.banner<\/code>: Ferry FTP server ready → Hi &lt;script&gt;/);
  });
});
