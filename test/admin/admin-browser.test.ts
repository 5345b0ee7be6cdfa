// The admin page in a real browser (Debian's chromium via playwright-core): first login with the
// one-time password, "TLS/SSL only" refusing a plain USER, a pasted certificate presented to new FTPS
// connections while an older session keeps working, a generated certificate, a user added on the page
// logging in with lftp, invalid values shown next to their field with nothing written, the live
// session list and disconnect. It also takes the README's screenshots.
import assert from 'node:assert/strict';
import { KeyObject, webcrypto } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Page } from 'playwright-core';
import { generateSelfSignedCertificate } from '../../src/tls/certificate-generate.js';
import { x509 } from '../../src/tls/peculiar-x509.js';
import { FtpsControlClient } from '../helpers/ftps-control-client.js';
import { RawFtpClient } from '../helpers/raw-ftp-client.js';
import { findBinary } from '../helpers/require-binary.js';
import { runClient } from '../helpers/run-client.js';
import { chromiumSkip, launchBrowser, saveScreenshot, type Browser } from './browser.js';
import { startAdminTestServer, type AdminTestServer } from './admin-test-server.js';

const skip = chromiumSkip();

/** An RSA-1024 certificate and key (signed with SHA-256): the key is what must be refused. */
async function rsa1024(): Promise<{ certPem: string; keyPem: string }> {
  const algorithm = { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256', publicExponent: new Uint8Array([1, 0, 1]), modulusLength: 1024 };
  const keys = (await webcrypto.subtle.generateKey(algorithm, true, ['sign', 'verify'])) as unknown as CryptoKeyPair;
  const cert = await x509.X509CertificateGenerator.createSelfSigned({ name: 'CN=weak.test', keys, notBefore: new Date(Date.now() - 60_000), notAfter: new Date(Date.now() + 86_400_000), signingAlgorithm: algorithm });
  const keyPem = KeyObject.from(keys.privateKey as unknown as webcrypto.CryptoKey).export({ type: 'pkcs8', format: 'pem' }).toString();
  return { certPem: cert.toString('pem'), keyPem };
}

/** The SHA-256 fingerprint a new explicit-FTPS connection is shown. */
async function presentedFingerprint(port: number): Promise<string> {
  const ftp = await FtpsControlClient.connect('127.0.0.1', port);
  try {
    assert.equal((await ftp.auth()).code, 234);
    // A reply over TLS: the server finished its side of the handshake before we hang up.
    assert.equal((await ftp.send('NOOP')).code, 200);
    return ftp.tlsSocket!.getPeerCertificate().fingerprint256;
  } finally {
    await ftp.close();
  }
}

describe('admin page in a browser', { skip }, () => {
  let server: AdminTestServer;
  let browser: Browser;
  let page: Page;
  let port: number;
  let opened: FtpsControlClient | undefined;
  let openedFingerprint: string;
  let carolPassword: string;

  before(async () => {
    server = await startAdminTestServer();
    port = server.ftpPort;
    browser = await launchBrowser();
    page = browser.page;
  });
  after(async () => {
    opened?.destroy();
    await browser?.close();
    await server?.stop();
  });

  const configText = () => readFile(server.configFile, 'utf8');
  const notice = () => page.locator('.notice').innerText();

  it('first login with the one-time password (keyboard only)', async () => {
    await page.goto(server.adminUrl);
    assert.match(page.url(), /\/login$/);
    // The name field has autofocus; on a busy machine focus can land after 'load', so wait for it.
    await page.waitForFunction(() => document.activeElement?.id === 'f-name');
    await page.keyboard.type('admin');
    await page.keyboard.press('Tab');
    await page.keyboard.type(server.adminPassword);
    await page.keyboard.press('Enter');
    await page.waitForURL(server.adminUrl);
    assert.equal(await page.locator('h1').innerText(), 'Status');
    assert.equal(await page.locator('#listener-explicit').innerText(), `127.0.0.1:${port}`);
    assert.equal(await page.locator('#listener-admin').innerText(), server.adminUrl);
  });

  it('turns on "TLS/SSL only": a plain USER is refused, a session opened before keeps working', async () => {
    const plainBefore = await RawFtpClient.connect('127.0.0.1', port);
    assert.equal((await plainBefore.send('USER alice')).code, 331, 'TLS is optional at first');
    plainBefore.destroy();
    opened = await FtpsControlClient.connect('127.0.0.1', port);
    await opened.auth();
    assert.equal((await opened.login('alice', 'secret-alice')).code, 230);
    openedFingerprint = opened.tlsSocket!.getPeerCertificate().fingerprint256;

    await page.goto(`${server.adminUrl}tls`);
    await page.getByLabel('TLS/SSL only').check();
    await page.getByRole('button', { name: 'Save TLS settings' }).click();
    await page.waitForURL(/\/tls\?done=saved$/);
    assert.match(await notice(), /TLS settings saved/);
    assert.ok(await page.getByLabel('TLS/SSL only').isChecked());
    assert.match(await configText(), /mode: required/);

    const plain = await RawFtpClient.connect('127.0.0.1', port);
    const refused = await plain.send('USER alice');
    plain.destroy();
    assert.equal(refused.code, 534);
    assert.match(refused.text, /TLS required/);
    assert.equal((await opened.send('NOOP')).code, 200);
  });

  it('pastes a certificate and key: new FTPS connections present it, the older session keeps its own', async () => {
    const pasted = await generateSelfSignedCertificate({ commonName: 'pasted.example.test', subjectAltNames: ['pasted.example.test', '127.0.0.1'] });
    await page.goto(`${server.adminUrl}tls`);
    await page.getByLabel('Certificate chain').fill(pasted.certPem);
    await page.getByLabel('Private key').fill(pasted.keyPem);
    await page.getByRole('button', { name: 'Check and use this certificate' }).click();
    await page.waitForURL(/\/tls\?done=certificate$/);
    assert.equal(await page.locator('#fingerprint').innerText(), pasted.fingerprintSha256);
    assert.match(await page.locator('#key-status').innerText(), /A key is set \(EC P-256\); it matches the certificate/);
    assert.equal(await page.getByLabel('Private key').inputValue(), '', 'the key is never shown back');
    assert.ok(!(await page.content()).includes('PRIVATE KEY'));
    await saveScreenshot(page, 'tls');

    assert.equal(await presentedFingerprint(port), pasted.fingerprintSha256);
    assert.notEqual(openedFingerprint, pasted.fingerprintSha256);
    assert.equal(opened!.tlsSocket!.getPeerCertificate().fingerprint256, openedFingerprint, 'the open session keeps its certificate');
    await opened!.send('PBSZ 0');
    assert.equal((await opened!.send('PROT P')).code, 200);
    const listing = await opened!.transfer('LIST', { protect: true });
    assert.equal(listing.final?.code, 226, 'and keeps transferring');
  });

  it('generates a self-signed certificate for the given host names and IPs', async () => {
    await page.goto(`${server.adminUrl}tls`);
    await page.getByLabel('Host name (common name)').fill('nas.example.test');
    await page.getByLabel('Host names and IP addresses').fill('nas.example.test, 127.0.0.1 ::1');
    await page.getByRole('button', { name: 'Generate and use' }).click();
    await page.waitForURL(/\/tls\?done=generated$/);
    const fingerprint = await page.locator('#fingerprint').innerText();
    assert.match(fingerprint, /^([0-9A-F]{2}:){31}[0-9A-F]{2}$/);
    assert.match(await page.locator('dl.facts').innerText(), /DNS:nas\.example\.test, IP:127\.0\.0\.1, IP:::1/);
    assert.equal(await presentedFingerprint(port), fingerprint);
  });

  it('adds a user with a generated password, who logs in with lftp over FTPES', async () => {
    await page.goto(`${server.adminUrl}users`);
    await page.getByLabel('User name').fill('carol');
    await page.getByLabel('Home folder').fill('carol-files');
    await page.getByRole('button', { name: 'Add user' }).click();
    const password = (carolPassword = await page.locator('#shown-password').innerText());
    assert.match(password, /^[A-Za-z0-9]{20}$/);
    assert.match(await page.locator('table.users').innerText(), /carol\s+enabled\s+carol-files\s+full/);
    await saveScreenshot(page, 'users');
    await page.reload();
    assert.equal(await page.locator('#shown-password').count(), 0, 'shown only once');

    if (!findBinary('lftp')) {
      if (process.env.CI) assert.fail('lftp is missing in CI');
      return;
    }
    await writeFile(path.join(server.dir, 'notes.txt'), 'uploaded by carol over FTPES\n');
    const script = ['set ftp:ssl-force true', 'set ftp:ssl-protect-data true', 'set ssl:verify-certificate no', 'set net:max-retries 1', 'set net:timeout 10', 'set cmd:fail-exit true', `open -u carol,${password} ftp://127.0.0.1:${port}`, 'mkdir hello', 'put notes.txt -o hello/notes.txt', 'cls -1 hello/'].join('; ');
    const run = await runClient('lftp', ['-c', script], { timeoutMs: 30_000, cwd: server.dir });
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stdout, /notes\.txt$/m);
    assert.equal(await readFile(path.join(server.running.paths.storageRoot, 'carol-files', 'hello', 'notes.txt'), 'utf8'), 'uploaded by carol over FTPES\n');
  });

  it('shows a bad value next to its field and writes nothing: port 70000, an RSA-1024 key, a mismatched key', async () => {
    const before = await configText();
    await page.goto(`${server.adminUrl}service`);
    await saveScreenshot(page, 'service');
    await page.getByLabel('Port (FTP/FTPES)').fill('70000');
    await page.getByRole('button', { name: 'Save', exact: true }).click();
    await page.waitForLoadState();
    assert.match(await page.locator('#f-server-port-error').innerText(), /Too big: expected number to be <=65535/);
    assert.equal(await page.getByLabel('Port (FTP/FTPES)').getAttribute('aria-invalid'), 'true');
    assert.match(await page.locator('#f-server-port').evaluate((el) => el.closest('.field')!.textContent ?? ''), /65535/, 'the error sits in the port field');
    assert.equal(await configText(), before);

    const weak = await rsa1024();
    await page.goto(`${server.adminUrl}tls`);
    await page.getByLabel('Certificate chain').fill(weak.certPem);
    await page.getByLabel('Private key').fill(weak.keyPem);
    await page.getByRole('button', { name: 'Check and use this certificate' }).click();
    await page.waitForLoadState();
    assert.match(await page.locator('#f-tls-key-error').innerText(), /The RSA key is only 1024 bits.*Fix:/);
    assert.equal(await page.getByLabel('Private key').inputValue(), '', 'the refused key is not echoed either');
    assert.equal(await configText(), before);

    const a = await generateSelfSignedCertificate({ commonName: 'a.test' });
    const b = await generateSelfSignedCertificate({ commonName: 'b.test' });
    await page.getByLabel('Certificate chain').fill(a.certPem);
    await page.getByLabel('Private key').fill(b.keyPem);
    await page.getByRole('button', { name: 'Check and use this certificate' }).click();
    await page.waitForLoadState();
    assert.match(await page.locator('#f-tls-key-error').innerText(), /The private key does not belong to the certificate/);
    assert.equal(await configText(), before);
    assert.notEqual(await presentedFingerprint(port), a.fingerprintSha256);
  });

  it('lists sessions live and disconnects one', async () => {
    await page.goto(`${server.adminUrl}sessions`);
    assert.match(await page.locator('table.sessions').innerText(), /alice/, 'the session opened earlier is listed');
    // The list refreshes itself: a session that logs in after the page loaded shows up without a reload.
    const late = await FtpsControlClient.connect('127.0.0.1', port);
    try {
      await late.auth();
      assert.equal((await late.login('carol', carolPassword)).code, 230);
      const row = page.locator('table.sessions tbody tr', { hasText: 'carol' });
      await row.waitFor({ timeout: 8_000 });
      assert.match(await row.innerText(), /TLSv1\.[23]/);
      await saveScreenshot(page, 'sessions');
      await row.getByRole('button', { name: 'Disconnect' }).click();
      await page.waitForURL(/\/sessions\?done=disconnected$/);
      assert.match(await notice(), /Session disconnected/);
      const reply = await late.read();
      assert.equal(reply.code, 421);
      assert.equal(await page.locator('table.sessions tbody tr', { hasText: 'carol' }).count(), 0);
    } finally {
      late.destroy();
    }
  });

  it('takes the status screenshot, fits a phone screen, and raised no browser error (CSP included)', async () => {
    await page.goto(server.adminUrl);
    await saveScreenshot(page, 'status');
    await page.setViewportSize({ width: 390, height: 800 });
    for (const path of ['', 'service', 'tls', 'users', 'sessions']) {
      await page.goto(`${server.adminUrl}${path}`);
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
      assert.ok(overflow <= 0, `/${path} scrolls sideways on a phone by ${overflow}px`);
    }
    // The forms this test sent wrong on purpose answered 400; anything else (a CSP violation, a script error) fails.
    assert.deepEqual(browser.errors.filter((e) => !/^Failed to load resource: the server responded with a status of 400/.test(e)), []);
  });
});
