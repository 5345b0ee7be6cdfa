// The JSON API and /metrics: status with listeners and certificate, live sessions with TLS details,
// users without hashes, disconnect (CSRF header required), and Prometheus counters fed by real FTP use.
import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { inspectCertificate } from '../../src/tls/certificate-inspect.js';
import { FtpsControlClient } from '../helpers/ftps-control-client.js';
import { AdminHttpClient } from './admin-http-client.js';
import { startLoggedInAdmin, type AdminTestServer } from './admin-test-server.js';

function metric(text: string, series: string): number {
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  assert.ok(line, `${series} missing`);
  return Number(line.split(' ')[1]);
}

describe('admin JSON API and metrics', () => {
  let server: AdminTestServer;
  let admin: AdminHttpClient;
  before(async () => {
    ({ server, admin } = await startLoggedInAdmin());
    await admin.get('/');
  });
  after(async () => server?.stop());

  it('GET /api/status: listeners, TLS mode and certificate', async () => {
    const r = await admin.get('/api/status');
    assert.equal(r.status, 200);
    assert.match(String(r.headers['content-type']), /application\/json/);
    const status = JSON.parse(r.body);
    assert.equal(status.listeners.explicit, `127.0.0.1:${server.ftpPort}`);
    assert.equal(status.listeners.implicit, `127.0.0.1:${server.implicitPort}`);
    assert.equal(status.listeners.admin, server.adminUrl);
    assert.equal(status.tls.mode, 'optional');
    assert.equal(status.tls.certificate.fingerprintSha256, inspectCertificate(server.running.server.tlsProvider!.certPem).fingerprintSha256);
    assert.equal(status.tls.key.matches, true);
    assert.equal(status.sessions, 0);
  });

  it('GET /api/users lists users without password hashes', async () => {
    const r = await admin.get('/api/users');
    assert.deepEqual(JSON.parse(r.body), { users: [{ name: 'alice', permissions: 'full', enabled: true, tls: 'inherit' }] });
    assert.ok(!r.body.includes('$scrypt$'));
  });

  it('shows a live FTPS session with TLS details, then disconnects it (421 to the client)', async () => {
    const ftp = await FtpsControlClient.connect('127.0.0.1', server.ftpPort);
    try {
      assert.equal((await ftp.auth()).code, 234);
      assert.equal((await ftp.login(server.user.name, server.user.password)).code, 230);
      await ftp.send('PBSZ 0');
      await ftp.send('PROT P');
      await writeFile(path.join(server.running.paths.storageRoot, 'alice', 'hello.txt'), 'hello metrics');
      const download = await ftp.transfer('RETR hello.txt', { protect: true });
      assert.equal(download.final?.code, 226);
      assert.equal(download.data.toString(), 'hello metrics');

      const { sessions } = JSON.parse((await admin.get('/api/sessions')).body);
      assert.equal(sessions.length, 1);
      const [s] = sessions;
      assert.equal(s.user, 'alice');
      assert.equal(s.remoteAddress.replace(/^::ffff:/, ''), '127.0.0.1');
      assert.match(s.tlsProtocol, /^TLSv1\.[23]$/);
      assert.ok(s.tlsCipher);
      assert.equal(s.dataProtection, 'P');
      const page = await admin.get('/sessions');
      assert.ok(page.body.includes(`data-id="${s.id}"`));
      assert.match(page.body, /<td>alice<\/td>/);

      const refused = await admin.request(`/api/sessions/${s.id}/disconnect`, { method: 'POST', json: {} });
      assert.equal(refused.status, 403, 'no CSRF header');
      const r = await admin.request(`/api/sessions/${s.id}/disconnect`, { method: 'POST', json: {}, headers: { 'x-csrf-token': admin.csrf } });
      assert.equal(r.status, 200, r.body);
      assert.deepEqual(JSON.parse(r.body), { disconnected: s.id });
      const reply = await ftp.read();
      assert.equal(reply.code, 421);
      assert.match(reply.text, /Disconnected by the administrator/);
      const again = await admin.request(`/api/sessions/${s.id}/disconnect`, { method: 'POST', json: {}, headers: { 'x-csrf-token': admin.csrf } });
      assert.equal(again.status, 404);
    } finally {
      ftp.destroy();
    }
  });

  it('serves Prometheus metrics to a logged-in admin and to HTTP Basic auth', async () => {
    const bad = await FtpsControlClient.connect('127.0.0.1', server.ftpPort);
    await bad.auth();
    assert.equal((await bad.login('alice', 'wrong')).code, 530);
    bad.destroy();
    const r = await admin.get('/metrics');
    assert.equal(r.status, 200);
    assert.match(String(r.headers['content-type']), /^text\/plain; version=0\.0\.4/);
    assert.ok(metric(r.body, 'ferry_logins_total{result="ok"}') >= 1);
    assert.ok(metric(r.body, 'ferry_logins_total{result="failed"}') >= 1);
    assert.ok(metric(r.body, 'ferry_transfers_total{direction="download",result="complete"}') >= 1);
    assert.equal(metric(r.body, 'ferry_transfer_bytes_total{direction="download"}'), 'hello metrics'.length);
    assert.ok(metric(r.body, 'ferry_tls_handshakes_total{channel="control",resumed="false"}') >= 2);
    assert.equal(metric(r.body, 'ferry_tls_handshakes_total{channel="data",resumed="true"}'), 1);
    assert.equal(metric(r.body, 'ferry_tls_data_resumption_ratio'), 1);
    assert.ok(metric(r.body, 'ferry_sessions_started_total') >= 2);
    assert.equal(typeof metric(r.body, 'ferry_sessions'), 'number');

    const prometheus = new AdminHttpClient(server.adminUrl);
    const basic = await prometheus.request('/metrics', { headers: { authorization: `Basic ${Buffer.from(`admin:${server.adminPassword}`).toString('base64')}` } });
    assert.equal(basic.status, 200);
    assert.match(basic.body, /ferry_sessions /);
    const wrong = await prometheus.request('/metrics', { headers: { authorization: `Basic ${Buffer.from('admin:nope').toString('base64')}` } });
    assert.equal(wrong.status, 401);
  });
});
