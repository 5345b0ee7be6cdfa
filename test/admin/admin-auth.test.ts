// The admin page's own security over HTTP: login with the one-time password, session cookie flags,
// every route behind the login, CSRF on every state change, rate-limited and logged logins, security
// headers, and refusal of requests for other host names (DNS rebinding).
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { after, before, describe, it } from 'node:test';
import { AdminHttpClient } from './admin-http-client.js';
import { startAdminTestServer, type AdminTestServer } from './admin-test-server.js';

describe('admin page: login, session, CSRF, headers', () => {
  let server: AdminTestServer;
  let admin: AdminHttpClient;
  before(async () => {
    server = await startAdminTestServer();
    admin = new AdminHttpClient(server.adminUrl);
  });
  after(async () => server?.stop());

  it('prints a one-time admin password on first start and serves plain HTTP on loopback', () => {
    assert.match(server.adminUrl, /^http:\/\/127\.0\.0\.1:\d+\/$/);
    assert.equal(server.printed.join('\n').split(server.adminPassword).length - 1, 1, 'printed exactly once');
  });

  it('sends everyone without a login to /login; the API answers 401 JSON', async () => {
    const anonymous = new AdminHttpClient(server.adminUrl);
    for (const path of ['/', '/service', '/tls', '/users', '/users/alice', '/sessions', '/audit']) {
      const r = await anonymous.get(path);
      assert.equal(r.status, 303, path);
      assert.equal(r.headers.location, '/login', path);
    }
    const api = await anonymous.get('/api/status');
    assert.equal(api.status, 401);
    assert.deepEqual(JSON.parse(api.body), { error: 'login required' });
    const metrics = await anonymous.get('/metrics');
    assert.equal(metrics.status, 401);
    assert.match(String(metrics.headers['www-authenticate']), /^Basic realm="Ferry metrics"/);
  });

  it('logs in with the one-time password: HttpOnly, SameSite=Strict session cookie (no Secure on HTTP)', async () => {
    const wrong = await admin.login('admin', 'not-the-password');
    assert.equal(wrong.status, 401);
    assert.match(wrong.body, /Wrong admin name or password/);
    const r = await admin.login('admin', server.adminPassword);
    assert.equal(r.status, 303);
    assert.equal(r.headers.location, '/');
    const cookie = r.setCookies.find((c) => c.startsWith('ferry_admin='));
    assert.ok(cookie, r.setCookies.join('\n'));
    assert.match(cookie, /; HttpOnly/);
    assert.match(cookie, /; SameSite=Strict/);
    assert.doesNotMatch(cookie, /Secure/);
    const status = await admin.get('/');
    assert.equal(status.status, 200);
    assert.match(status.body, /<h1>Status<\/h1>/);
    assert.match(status.body, /Log out admin/);
    const logged = server.logs.filter((l) => l.msg === 'admin login failed' || l.msg === 'admin logged in');
    assert.deepEqual(logged.map((l) => [l.msg, l.admin]), [['admin login failed', 'admin'], ['admin logged in', 'admin']]);
    assert.ok(!JSON.stringify(server.logs).includes(server.adminPassword), 'the password never reaches the log');
    assert.ok(!JSON.stringify(server.logs).includes('not-the-password'));
  });

  it('sets a strict CSP and the other security headers on every page', async () => {
    for (const path of ['/', '/login', '/tls', '/static/admin.js', '/nope']) {
      const r = await admin.get(path);
      assert.match(String(r.headers['content-security-policy']), /default-src 'none'; script-src 'self'; style-src 'self'/, path);
      assert.match(String(r.headers['content-security-policy']), /frame-ancestors 'none'/, path);
      assert.equal(r.headers['x-frame-options'], 'DENY', path);
      assert.equal(r.headers['x-content-type-options'], 'nosniff', path);
      if (!path.startsWith('/static/')) assert.equal(r.headers['cache-control'], 'no-store', path);
    }
    const page = await admin.get('/service');
    assert.doesNotMatch(page.body, /<script>|style="|onclick=|javascript:/i, 'no inline script or style for the CSP to allow');
  });

  it('refuses every state-changing request without a valid CSRF token, changing nothing', async () => {
    const before = await readFile(server.configFile, 'utf8');
    const noToken = await admin.post('/service', { 'server.port': '2222' }, false);
    assert.equal(noToken.status, 403);
    assert.match(noToken.body, /CSRF/);
    const badToken = await admin.post('/service', { _csrf: 'forged-token', 'server.port': '2222' });
    assert.equal(badToken.status, 403);
    // A token from another login does not work either (tokens are bound to the session).
    const other = new AdminHttpClient(server.adminUrl);
    await other.get('/login');
    const crossed = await admin.post('/service', { _csrf: other.csrf, 'server.port': '2222' });
    assert.equal(crossed.status, 403);
    for (const path of ['/users', '/users/alice/remove', '/users/alice/enabled', '/tls', '/tls/generate', '/sessions/x/disconnect', '/logout']) {
      assert.equal((await admin.post(path, { name: 'mallory', enabled: 'no' }, false)).status, 403, path);
    }
    const api = await admin.request('/api/sessions/abc/disconnect', { method: 'POST', json: {} });
    assert.equal(api.status, 403);
    const login = await new AdminHttpClient(server.adminUrl).post('/login', { name: 'admin', password: server.adminPassword }, false);
    assert.equal(login.status, 403, 'the login form is CSRF-protected too');
    assert.equal(await readFile(server.configFile, 'utf8'), before);
    assert.equal((await admin.get('/users')).body.includes('mallory'), false);
    assert.match(await readFile(`${server.dir}/users.yaml`, 'utf8'), /name: alice\n(.*\n)*?\s+password/);
    assert.equal((await admin.get('/')).status, 200, 'still logged in: logout needed a token too');
  });

  it('answers only to loopback host names (DNS rebinding gets 421)', async () => {
    const r = await admin.request('/login', { headers: { host: `evil.example:${new URL(server.adminUrl).port}` } });
    assert.equal(r.status, 421);
    const ok = await admin.request('/login', { headers: { host: `localhost:${new URL(server.adminUrl).port}` } });
    assert.equal(ok.status, 303, 'logged in: /login sends to the status page');
  });

  it('logs out: the session cookie stops working', async () => {
    const cookie = admin.cookies.get('ferry_admin')!;
    const r = await admin.post('/logout', {});
    assert.equal(r.status, 303);
    assert.equal(r.headers.location, '/login');
    const stale = new AdminHttpClient(server.adminUrl);
    stale.cookies.set('ferry_admin', cookie);
    assert.equal((await stale.get('/')).status, 303);
  });
});

describe('admin page: login rate limit', () => {
  let server: AdminTestServer;
  before(async () => (server = await startAdminTestServer()));
  after(async () => server?.stop());

  it('refuses an address with 429 and Retry-After after 5 failures, even with the right password, and logs it', async () => {
    const client = new AdminHttpClient(server.adminUrl);
    await client.get('/login');
    for (let i = 0; i < 4; i++) assert.equal((await client.post('/login', { name: 'admin', password: `guess-${i}` })).status, 401);
    const locked = await client.post('/login', { name: 'admin', password: 'guess-4' });
    assert.equal(locked.status, 429);
    assert.match(locked.body, /Too many failed logins from your address/);
    assert.ok(Number(locked.headers['retry-after']) > 0);
    const right = await client.post('/login', { name: 'admin', password: server.adminPassword });
    assert.equal(right.status, 429, 'locked out for now, whatever the password');
    assert.equal(right.setCookies.some((c) => c.startsWith('ferry_admin=')), false);
    // Basic auth on /metrics shares the limit.
    const basic = await client.request('/metrics', { headers: { authorization: `Basic ${Buffer.from(`admin:${server.adminPassword}`).toString('base64')}` } });
    assert.equal(basic.status, 429);
    const failures = server.logs.filter((l) => l.msg === 'admin login failed');
    assert.equal(failures.length, 5);
    assert.equal(failures[4]!.locked, true);
    assert.ok(server.logs.some((l) => l.msg === 'admin login refused: too many failures from this address'));
    const audit = await readFile(`${server.dir}/audit.log`, 'utf8');
    assert.equal(audit.trim().split('\n').filter((l) => /"action":"login","result":"failed"/.test(l)).length, 5);
    assert.ok(!audit.includes('guess-'), 'attempted passwords are never written');
  });
});
