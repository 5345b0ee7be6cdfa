// Changes made on the admin page apply to the running server at once: a new FTP port is rebound while
// a session opened before keeps working, anonymous access switches on and off, users added, disabled,
// given a new password or removed log in (or not) right away; invalid values change nothing.
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import net from 'node:net';
import { after, before, describe, it } from 'node:test';
import { RawFtpClient } from '../helpers/raw-ftp-client.js';
import { FtpsControlClient } from '../helpers/ftps-control-client.js';
import { AdminHttpClient } from './admin-http-client.js';
import { startLoggedInAdmin, type AdminTestServer } from './admin-test-server.js';
import { serviceForm } from './service-form.js';

async function freePort(): Promise<number> {
  const probe = net.createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as net.AddressInfo;
  await new Promise((resolve) => probe.close(resolve));
  return port;
}

/** USER/PASS over a fresh explicit-TLS connection; returns the final reply code. */
async function login(port: number, user: string, password: string): Promise<number> {
  const ftp = await FtpsControlClient.connect('127.0.0.1', port);
  try {
    await ftp.auth();
    return (await ftp.login(user, password)).code;
  } finally {
    ftp.destroy();
  }
}

describe('admin page changes apply live', () => {
  let server: AdminTestServer;
  let admin: AdminHttpClient;
  before(async () => {
    ({ server, admin } = await startLoggedInAdmin());
    await admin.get('/service');
  });
  after(async () => server?.stop());

  const config = () => server.running.server.currentConfig;

  it('rebinds a changed port; a session opened before keeps working', async () => {
    const oldPort = server.ftpPort;
    const before = await FtpsControlClient.connect('127.0.0.1', oldPort);
    try {
      await before.auth();
      assert.equal((await before.login('alice', 'secret-alice')).code, 230);
      const port = await freePort();
      const r = await admin.post('/service', serviceForm(config(), { 'server.port': String(port) }));
      assert.equal(r.status, 303, r.body);
      assert.equal(server.running.server.addresses.explicit!.port, port);
      assert.equal(await login(port, 'alice', 'secret-alice'), 230);
      await assert.rejects(RawFtpClient.connect('127.0.0.1', oldPort), /ECONNREFUSED/);
      assert.equal((await before.send('NOOP')).code, 200, 'the old session still answers');
      assert.equal((await before.send('PWD')).code, 257);
      assert.match(await readFile(server.configFile, 'utf8'), new RegExp(`port: ${port}\\n`));
      const status = await admin.get('/');
      assert.ok(status.body.includes(`127.0.0.1:${port}`));
    } finally {
      before.destroy();
    }
  });

  it('switches the FTP service off and on: listeners close and reopen, open sessions continue', async () => {
    const port = server.running.server.addresses.explicit!.port;
    const open = await FtpsControlClient.connect('127.0.0.1', port);
    try {
      await open.auth();
      assert.equal((await open.login('alice', 'secret-alice')).code, 230);
      const off = await admin.post('/service', serviceForm(config(), { 'server.enabled': false }));
      assert.equal(off.status, 303, off.body);
      assert.equal(server.running.server.addresses.explicit, undefined);
      await assert.rejects(RawFtpClient.connect('127.0.0.1', port), /ECONNREFUSED/);
      assert.equal((await open.send('NOOP')).code, 200, 'a session opened before keeps working');
      assert.match((await admin.get('/')).body, /not listening/);
      const on = await admin.post('/service', serviceForm(config(), { 'server.enabled': true }));
      assert.equal(on.status, 303, on.body);
      assert.equal(await login(server.running.server.addresses.explicit!.port, 'alice', 'secret-alice'), 230);
    } finally {
      open.destroy();
    }
  });

  it('shows a schema error next to its field and changes nothing (port 70000, min > max, port in use)', async () => {
    const file = await readFile(server.configFile, 'utf8');
    const port = server.running.server.addresses.explicit!.port;
    let r = await admin.post('/service', serviceForm(config(), { 'server.port': '70000', 'passive.minPort': '60000', 'passive.maxPort': '50000' }));
    assert.equal(r.status, 400);
    assert.match(r.body, /<input type="number" inputmode="numeric" id="f-server-port" name="server.port" value="70000"[^>]*aria-invalid="true">/);
    assert.match(r.body, /<p class="error" id="f-server-port-error">Too big: expected number to be &lt;=65535<\/p>/);
    assert.match(r.body, /<p class="error" id="f-passive-minPort-error">minPort must not be greater than maxPort<\/p>/);
    const busy = net.createServer();
    await new Promise<void>((resolve) => busy.listen(0, '127.0.0.1', resolve));
    try {
      r = await admin.post('/service', serviceForm(config(), { 'server.port': String((busy.address() as net.AddressInfo).port) }));
      assert.equal(r.status, 400);
      assert.match(r.body, /id="f-server-port-error">Cannot listen there: the port is in use by another program/);
    } finally {
      busy.close();
    }
    assert.equal(await readFile(server.configFile, 'utf8'), file);
    assert.equal(server.running.server.addresses.explicit!.port, port);
  });

  it('switches anonymous access on and off for new logins', async () => {
    const port = server.running.server.addresses.explicit!.port;
    assert.equal(await login(port, 'anonymous', 'guest@'), 530);
    let r = await admin.post('/service', serviceForm(config(), { 'users.anonymous.enabled': true }));
    assert.equal(r.status, 303, r.body);
    assert.equal(await login(port, 'anonymous', 'guest@'), 230);
    r = await admin.post('/service', serviceForm(config(), { 'users.anonymous.enabled': false }));
    assert.equal(await login(port, 'anonymous', 'guest@'), 530);
    r = await admin.post('/service', serviceForm(config(), { 'users.anonymous.enabled': true, 'users.anonymous.home': '../../etc' }));
    assert.equal(r.status, 400);
    assert.match(r.body, /id="f-users-anonymous-home-error">&quot;..\/..\/etc&quot; leaves storage.root/);
    assert.equal(config().users.anonymous.enabled, false);
  });

  it('adds, disables, re-enables, re-passwords and removes users, effective at once', async () => {
    const port = server.running.server.addresses.explicit!.port;
    await admin.get('/users');
    let r = await admin.post('/users', { name: 'bob', password: 'Bob-pass-1', permissions: ['list', 'read'], tls: 'required', reuse: 'no' });
    assert.equal(r.status, 303, r.body);
    assert.equal(await login(port, 'bob', 'Bob-pass-1'), 230);
    const plain = await RawFtpClient.connect('127.0.0.1', port);
    assert.equal((await plain.send('USER bob')).code, 534, 'bob must use TLS (per-user override)');
    plain.destroy();
    const page = await admin.get('/users/bob');
    assert.match(page.body, /<option value="required" selected>required<\/option>/);

    r = await admin.post('/users/bob/enabled', { enabled: 'no' });
    assert.equal(r.headers.location, '/users?done=disabled');
    assert.equal(await login(port, 'bob', 'Bob-pass-1'), 530);
    r = await admin.post('/users/bob', { home: 'bob-files', permissions: ['list', 'read', 'write'], tls: 'inherit', reuse: 'inherit', enabled: 'on' });
    assert.equal(r.status, 303, r.body);
    assert.equal(await login(port, 'bob', 'Bob-pass-1'), 230);

    await admin.get('/users/bob');
    r = await admin.post('/users/bob/password', { password: '' });
    assert.equal(r.status, 200);
    const generated = /<code class="password" id="shown-password">([A-Za-z0-9]{20})<\/code>/.exec(r.body)?.[1];
    assert.ok(generated, 'the generated password is shown once');
    assert.equal(await login(port, 'bob', generated), 230);
    assert.equal(await login(port, 'bob', 'Bob-pass-1'), 530);
    assert.ok(!(await admin.get('/users/bob')).body.includes(generated), 'and never again');

    r = await admin.post('/users/bob/remove', {});
    assert.equal(r.headers.location, '/users?done=removed');
    assert.equal(await login(port, 'bob', generated), 530);
    const audit = (await readFile(`${server.dir}/audit.log`, 'utf8')).split('\n').filter(Boolean).map((l) => JSON.parse(l) as { action: string; target?: string });
    assert.deepEqual(audit.filter((e) => e.target === 'bob').map((e) => e.action), ['user.add', 'user.disable', 'user.update', 'user.password', 'user.remove']);
    assert.ok(!JSON.stringify(audit).includes(generated));
  });
});
