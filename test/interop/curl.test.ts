// Interop with curl (OpenSSL): explicit FTPS (RFC 4217), implicit FTPS, plain FTP, active mode, REST
// resume both ways, TLS version limits, and the certificate fingerprint as OpenSSL's s_client sees it.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { requireBinary } from '../helpers/require-binary.js';
import { runClient } from '../helpers/run-client.js';
import { curlVersion, describeCurlRun, runCurl, type CurlRun } from '../helpers/run-curl.js';
import { sha256, sha256File } from '../helpers/sha256.js';
import { startTestServer, type TestServer } from '../helpers/test-server.js';

const skip = requireBinary('curl');
const opensslSkip = requireBinary('openssl');

const SIZE = 1024 * 1024 + 1;

function codes(run: CurlRun): number[] {
  return run.replies.map((r) => r.code);
}

function assertOk(run: CurlRun): void {
  assert.equal(run.code, 0, describeCurlRun(run));
}

/** True for curl 7.87.0 - 7.88.x: active-mode FTPS sends data in clear (curl issue #10666, fixed in 8.0.0). */
function activeTlsBroken([major, minor]: [number, number, number]): boolean {
  return major === 7 && minor >= 87;
}

describe('curl interop', { skip }, () => {
  let server: TestServer;
  let work: string;
  let url: string;
  let payload: Buffer;
  let payloadFile: string;
  let activeTlsSkip: string | false = false;
  const auth = ['-u', 'alice:secret-alice'];

  before(async () => {
    server = await startTestServer();
    work = await mkdtemp(path.join(os.tmpdir(), 'ferry-curl-'));
    url = `ftp://${server.host}:${server.port}`;
    payload = randomBytes(SIZE);
    payloadFile = path.join(work, 'payload.bin');
    await writeFile(payloadFile, payload);
    const version = await curlVersion();
    if (activeTlsBroken(version)) {
      activeTlsSkip = `curl ${version.join('.')} does not add TLS to active-mode data connections (curl issue #10666, fixed in curl 8.0.0)`;
    }
  });

  after(async () => {
    await server?.stop();
    if (work) await rm(work, { recursive: true, force: true });
  });

  it('uploads and downloads 1 MiB + 1 B over explicit FTPS with PROT P, bytes intact', async () => {
    const up = await runCurl(['--ssl-reqd', '-k', ...auth, '-T', payloadFile, `${url}/big.bin`]);
    assertOk(up);
    assert.ok(up.sent.includes('AUTH SSL') || up.sent.includes('AUTH TLS'), describeCurlRun(up));
    assert.ok(up.sent.includes('PROT P'), describeCurlRun(up));
    assert.deepEqual(codes(up).slice(-2), [150, 226], describeCurlRun(up));
    assert.equal(await sha256File(path.join(server.user.home, 'big.bin')), sha256(payload));

    const target = path.join(work, 'big-download.bin');
    const down = await runCurl(['--ssl-reqd', '-k', ...auth, '-o', target, `${url}/big.bin`]);
    assertOk(down);
    assert.deepEqual(codes(down).slice(-2), [150, 226], describeCurlRun(down));
    assert.equal(await sha256File(target), sha256(payload));
  });

  for (const tlsMax of ['1.3', '1.2']) {
    it(`downloads several files in one session (TLS ${tlsMax}), each data connection resuming the TLS session`, async () => {
      const names = ['m0.txt', 'm1.txt', 'm2.txt', 'm3.txt'];
      for (const n of names) await writeFile(path.join(server.user.home, n), `content of ${n}\n`);
      const args = names.flatMap((n) => [`${url}/${n}`, '-o', path.join(work, `multi-${tlsMax}-${n}`)]);
      const run = await runCurl(['--ssl-reqd', '-k', '--tls-max', tlsMax, ...auth, ...args]);
      assertOk(run);
      for (const n of names) assert.equal(await readFile(path.join(work, `multi-${tlsMax}-${n}`), 'utf8'), `content of ${n}\n`);
    });
  }

  it('lists the home folder over explicit FTPS', async () => {
    await writeFile(path.join(server.user.home, 'listed.txt'), 'listed\n');
    const run = await runCurl(['--ssl-reqd', '-k', ...auth, `${url}/`]);
    assertOk(run);
    assert.ok(run.sent.includes('LIST'), describeCurlRun(run));
    assert.match(run.stdout, /^-rw\S+\s+\d+\s+alice\s+alice\s+7 .* listed\.txt\r?$/m);
  });

  it('works over implicit FTPS (ftps://)', async () => {
    await writeFile(path.join(server.user.home, 'implicit.txt'), 'implicit\n');
    const run = await runCurl(['-k', ...auth, `ftps://${server.host}:${server.implicitPort}/`]);
    assertOk(run);
    assert.ok(!run.sent.some((s) => s.startsWith('AUTH')), 'no AUTH on an implicit connection');
    assert.equal(run.replies[0]?.code, 220, 'greeting read over TLS');
    assert.ok(run.tlsVersions.length >= 2, `control and data connections both TLS: ${describeCurlRun(run)}`);
    assert.match(run.stdout, / implicit\.txt\r?$/m);

    const down = await runCurl(['-k', ...auth, `ftps://${server.host}:${server.implicitPort}/implicit.txt`]);
    assertOk(down);
    assert.equal(down.stdout, 'implicit\n');
  });

  it('allows plain FTP when tls.mode is optional', async () => {
    await writeFile(path.join(server.user.home, 'plain.txt'), 'plain\n');
    const run = await runCurl([...auth, `${url}/plain.txt`]);
    assertOk(run);
    assert.ok(!run.sent.some((s) => s.startsWith('AUTH') || s.startsWith('PROT')), describeCurlRun(run));
    assert.deepEqual(run.tlsVersions, []);
    assert.ok(codes(run).includes(230), describeCurlRun(run));
    assert.equal(run.stdout, 'plain\n');
  });

  it('transfers in active mode (EPRT) with a TLS control connection and clear data', async () => {
    const up = await runCurl(['--ftp-ssl-control', '-k', ...auth, '--ftp-port', '127.0.0.1', '-T', payloadFile, `${url}/active-clear.bin`]);
    assertOk(up);
    assert.ok(up.sent.some((s) => /^(EPRT|PORT) /.test(s)), describeCurlRun(up));
    assert.ok(up.sent.includes('PROT C'), describeCurlRun(up));
    assert.equal(await sha256File(path.join(server.user.home, 'active-clear.bin')), sha256(payload));

    const target = path.join(work, 'active-clear.bin');
    const down = await runCurl(['--ftp-ssl-control', '-k', ...auth, '-P', '127.0.0.1', '-o', target, `${url}/active-clear.bin`]);
    assertOk(down);
    assert.equal(await sha256File(target), sha256(payload));
  });

  it('transfers in active mode (EPRT) with PROT P', async (t) => {
    if (activeTlsSkip) return t.skip(activeTlsSkip);
    const up = await runCurl(['--ssl-reqd', '-k', ...auth, '--ftp-port', '127.0.0.1', '-T', payloadFile, `${url}/active-tls.bin`]);
    assertOk(up);
    assert.ok(up.sent.some((s) => /^(EPRT|PORT) /.test(s)) && up.sent.includes('PROT P'), describeCurlRun(up));
    assert.equal(await sha256File(path.join(server.user.home, 'active-tls.bin')), sha256(payload));

    const target = path.join(work, 'active-tls.bin');
    const down = await runCurl(['--ssl-reqd', '-k', ...auth, '-P', '127.0.0.1', '-o', target, `${url}/active-tls.bin`]);
    assertOk(down);
    assert.equal(await sha256File(target), sha256(payload));
  });

  it('resumes a download (-C -) from a partial local file with REST', async () => {
    await writeFile(path.join(server.user.home, 'resume-down.bin'), payload);
    const target = path.join(work, 'resume-down.bin');
    await writeFile(target, payload.subarray(0, 300_000));
    const run = await runCurl(['--ssl-reqd', '-k', ...auth, '-C', '-', '-o', target, `${url}/resume-down.bin`]);
    assertOk(run);
    assert.ok(run.sent.includes('REST 300000'), describeCurlRun(run));
    assert.ok(codes(run).includes(350), describeCurlRun(run));
    assert.equal(await sha256File(target), sha256(payload));
  });

  it('resumes an upload (-C - -T) after SIZE with APPE', async () => {
    const remote = path.join(server.user.home, 'resume-up.bin');
    await writeFile(remote, payload.subarray(0, 400_000));
    const run = await runCurl(['--ssl-reqd', '-k', ...auth, '-C', '-', '-T', payloadFile, `${url}/resume-up.bin`]);
    assertOk(run);
    assert.ok(run.sent.includes('SIZE resume-up.bin'), describeCurlRun(run));
    assert.ok(run.sent.some((s) => s === 'APPE resume-up.bin' || s === 'REST 400000'), describeCurlRun(run));
    assert.deepEqual(codes(run).slice(-2), [150, 226], describeCurlRun(run));
    assert.equal(await sha256File(remote), sha256(payload));
  });

  it('negotiates TLS 1.2 on the control connection with --tlsv1.2 --tls-max 1.2', async () => {
    // -I: SIZE/MDTM only, no data connection (see the next test for data under TLS 1.2).
    await writeFile(path.join(server.user.home, 'tls12.txt'), 'tls 1.2\n');
    const run = await runCurl(['--ssl-reqd', '-k', ...auth, '--tlsv1.2', '--tls-max', '1.2', '-I', `${url}/tls12.txt`]);
    assertOk(run);
    assert.deepEqual(run.tlsVersions, ['TLSv1.2'], describeCurlRun(run));
    assert.match(run.stdout, /Content-Length: 8/);
  });

  it(
    'transfers data over TLS 1.2 (--tlsv1.2 --tls-max 1.2) with the default session-reuse requirement (resumed by session ID: curl turns tickets off)',
    async () => {
      const target = path.join(work, 'tls12-download.bin');
      await writeFile(path.join(server.user.home, 'tls12.bin'), payload);
      const run = await runCurl(['--ssl-reqd', '-k', ...auth, '--tlsv1.2', '--tls-max', '1.2', '-o', target, `${url}/tls12.bin`]);
      assertOk(run);
      assert.ok(run.tlsVersions.length >= 2 && run.tlsVersions.every((v) => v === 'TLSv1.2'), describeCurlRun(run));
      assert.equal(await sha256File(target), sha256(payload));
    },
  );

  it('negotiates TLS 1.3 with --tls-max 1.3, control and data', async () => {
    await writeFile(path.join(server.user.home, 'tls13.txt'), 'tls 1.3\n');
    const run = await runCurl(['--ssl-reqd', '-k', ...auth, '--tlsv1.3', '--tls-max', '1.3', `${url}/tls13.txt`]);
    assertOk(run);
    assert.ok(run.tlsVersions.length >= 2 && run.tlsVersions.every((v) => v === 'TLSv1.3'), describeCurlRun(run));
    assert.equal(run.stdout, 'tls 1.3\n');
  });

  it('refuses TLS 1.0 (curl exits with an SSL connect error)', async () => {
    const run = await runCurl(['--ssl-reqd', '-k', ...auth, '--tlsv1.0', '--tls-max', '1.0', '--ciphers', 'DEFAULT@SECLEVEL=0', `${url}/`]);
    assert.equal(run.code, 35, describeCurlRun(run));
    assert.match(run.stderr, /protocol version|unsupported protocol|no protocols available/i);
    assert.ok(!codes(run).includes(331), 'never got as far as USER');
  });

  it('presents the certificate whose SHA-256 fingerprint the harness reports (openssl s_client -starttls ftp)', { skip: opensslSkip }, async () => {
    const hello = await runClient('openssl', ['s_client', '-starttls', 'ftp', '-connect', `${server.host}:${server.port}`], { timeoutMs: 15_000 });
    const pem = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/.exec(hello.stdout)?.[0];
    assert.ok(pem, `s_client printed no certificate: ${hello.stderr}`);
    const x509 = await runClient('openssl', ['x509', '-fingerprint', '-sha256', '-noout'], { input: pem, timeoutMs: 10_000 });
    const fingerprint = /sha256 Fingerprint=([0-9A-F:]+)/i.exec(x509.stdout)?.[1];
    assert.ok(fingerprint, x509.stdout + x509.stderr);
    assert.equal(fingerprint.toUpperCase(), server.fingerprint);
    // Byte for byte the leaf certificate the server was configured with.
    const leaf = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/.exec(server.certPem ?? '')?.[0];
    assert.equal(pem.replace(/\s/g, ''), leaf?.replace(/\s/g, ''));
  });
});
