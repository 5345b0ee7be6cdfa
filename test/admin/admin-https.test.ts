// HTTPS off loopback: an admin page bound to a non-loopback address is served only over HTTPS with
// Ferry's own certificate (plain HTTP gets no page), cookies are Secure with the __Host- prefix, HSTS
// is set; a config asking for plain HTTP off loopback is refused; a new certificate reaches HTTPS too.
import assert from 'node:assert/strict';
import http from 'node:http';
import tls from 'node:tls';
import { after, before, describe, it } from 'node:test';
import { parseConfig } from '../../src/config/load-config.js';
import { generateSelfSignedCertificate } from '../../src/tls/certificate-generate.js';
import { inspectCertificate } from '../../src/tls/certificate-inspect.js';
import { AdminHttpClient } from './admin-http-client.js';
import { startAdminTestServer, type AdminTestServer } from './admin-test-server.js';

function peerFingerprint(port: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = tls.connect({ host: '127.0.0.1', port, rejectUnauthorized: false }, () => {
      resolve(socket.getPeerCertificate().fingerprint256);
      socket.destroy();
    });
    socket.on('error', reject);
  });
}

function plainHttpGet(port: number): Promise<{ status?: number; body?: string; error?: string }> {
  return new Promise((resolve) => {
    const req = http.get({ host: '127.0.0.1', port, path: '/login', timeout: 5000 }, (res) => {
      let body = '';
      res.on('data', (c: Buffer) => (body += c.toString()));
      res.on('end', () => resolve({ status: res.statusCode, body }));
    });
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', (err) => resolve({ error: err.message }));
  });
}

describe('admin page off loopback', () => {
  let server: AdminTestServer;
  let port: number;
  let admin: AdminHttpClient;
  before(async () => {
    server = await startAdminTestServer({ config: { admin: { host: '0.0.0.0', port: 0 } } });
    port = server.running.admin!.address.port;
    admin = new AdminHttpClient(`https://127.0.0.1:${port}/`);
  });
  after(async () => server?.stop());

  it('serves HTTPS with the FTP certificate and refuses plain HTTP', async () => {
    assert.match(server.adminUrl, /^https:\/\//);
    const ftpFingerprint = inspectCertificate(server.running.server.tlsProvider!.certPem).fingerprintSha256;
    assert.equal(await peerFingerprint(port), ftpFingerprint);
    const plain = await plainHttpGet(port);
    assert.ok(plain.error !== undefined || (plain.status !== 200 && !/<form/.test(plain.body ?? '')), `plain HTTP must not get the page: ${JSON.stringify(plain)}`);
  });

  it('marks cookies Secure with the __Host- prefix and sends HSTS', async () => {
    const page = await admin.get('/login');
    assert.equal(page.status, 200);
    assert.equal(page.headers['strict-transport-security'], 'max-age=31536000');
    const csrfCookie = page.setCookies.find((c) => c.startsWith('__Host-ferry_csrf='));
    assert.ok(csrfCookie, page.setCookies.join('\n'));
    assert.match(csrfCookie, /; Secure/);
    const login = await admin.post('/login', { name: 'admin', password: server.adminPassword });
    assert.equal(login.status, 303);
    const session = login.setCookies.find((c) => c.startsWith('__Host-ferry_admin='));
    assert.ok(session);
    assert.match(session, /; Path=\//);
    assert.match(session, /; HttpOnly/);
    assert.match(session, /; Secure/);
    assert.match(session, /; SameSite=Strict/);
    assert.equal((await admin.get('/')).status, 200);
  });

  it('switches its HTTPS certificate when a new one is pasted', async () => {
    const next = await generateSelfSignedCertificate({ commonName: 'admin-https.test' });
    await admin.get('/tls');
    const r = await admin.post('/tls/certificate', { 'tls.cert': next.certPem, 'tls.key': next.keyPem });
    assert.equal(r.status, 303, r.body);
    assert.equal(await peerFingerprint(port), next.fingerprintSha256);
  });

  it('refuses a config that would serve the page in clear text off loopback', () => {
    assert.throws(() => parseConfig({ admin: { host: '0.0.0.0', https: 'never' } }, 'ferry.yaml'), /admin\.https: plain HTTP is allowed only on a loopback address/);
    assert.equal(parseConfig({ admin: { host: '127.0.0.1', https: 'never' } }, 'ferry.yaml').admin.https, 'never');
    assert.equal(parseConfig({ admin: { host: '::1', https: 'never' } }, 'ferry.yaml').admin.host, '::1');
  });
});
