// First start, in process and port-safe: the default config written by ensureConfigFile (patched to
// ephemeral ports on 127.0.0.1), then startFerry creates the data folder, the first user (password
// printed once) and a certificate (fingerprint printed); a second start reuses both.
import assert from 'node:assert/strict';
import { X509Certificate } from 'node:crypto';
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { TLSSocket } from 'node:tls';
import { after, before, describe, it } from 'node:test';
import { Client } from 'basic-ftp';
import pino from 'pino';
import YAML from 'yaml';
import { defaultConfigYaml } from '../../src/config/config-docs.js';
import { ensureConfigFile, startFerry } from '../../src/server/bootstrap.js';
import { readyListingThreads } from '../../src/storage/local/listing-threads.js';

let dir: string;
let configFile: string;
before(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'ferry-first-start-'));
  configFile = path.join(dir, 'etc', 'ferry.yaml');
});
after(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function start(): Promise<{ lines: string[]; running: Awaited<ReturnType<typeof startFerry>> }> {
  const lines: string[] = [];
  const running = await startFerry(configFile, { print: (line) => lines.push(line), logger: pino({ level: 'silent' }), watch: false });
  return { lines, running };
}

/** Logs in over explicit TLS and returns the SHA-256 fingerprint of the certificate the server presented. */
async function loginFingerprint(port: number, user: string, password: string): Promise<string> {
  const client = new Client(5_000);
  try {
    await client.access({ host: '127.0.0.1', port, user, password, secure: true, secureOptions: { rejectUnauthorized: false } });
    assert.equal(await client.pwd(), '/');
    return (client.ftp.socket as TLSSocket).getPeerCertificate().fingerprint256;
  } finally {
    client.close();
  }
}

describe('first start', () => {
  it('writes the commented default config once, mode 0600', async () => {
    assert.equal(await ensureConfigFile(configFile), true);
    const text = await readFile(configFile, 'utf8');
    assert.equal(text, defaultConfigYaml());
    assert.equal((await stat(configFile)).mode & 0o777, 0o600);
    assert.equal(await ensureConfigFile(configFile), false);

    // Port-safety: the defaults would bind 0.0.0.0:2121/9990; edit the file (comments kept) to port 0.
    const doc = YAML.parseDocument(text);
    doc.setIn(['server', 'host'], '127.0.0.1');
    doc.setIn(['server', 'port'], 0);
    doc.setIn(['tls', 'implicit', 'port'], 0);
    doc.setIn(['passive', 'minPort'], 0);
    doc.setIn(['passive', 'maxPort'], 0);
    await writeFile(configFile, doc.toString());
    assert.match(await readFile(configFile, 'utf8'), /# Implicit FTPS port/);
  });

  it('creates user, data folder and certificate, printing the password and fingerprint once', async () => {
    const first = await start();
    let firstPassword: string;
    let fingerprint: string;
    try {
      const { lines, running } = first;
      const output = lines.join('\n');
      firstPassword = /Created the first user "ferry" with password: (\S+)/.exec(output)?.[1] ?? assert.fail(output);
      assert.equal(output.split(firstPassword).length - 1, 1, 'the password is printed exactly once');
      assert.match(output, /ferry user passwd ferry/);
      assert.doesNotMatch(output, /Created a default configuration/, 'the config existed already');

      const base = path.dirname(configFile);
      const tlsDir = path.join(base, 'data', 'tls');
      const certPem = await readFile(path.join(tlsDir, 'cert.pem'), 'utf8');
      fingerprint = new X509Certificate(certPem).fingerprint256;
      assert.ok(lines.includes(`  SHA-256 fingerprint: ${fingerprint}`), output);
      assert.ok(lines.includes(`Generated a self-signed TLS certificate in ${tlsDir}`), output);
      assert.equal((await stat(path.join(tlsDir, 'key.pem'))).mode & 0o777, 0o600);

      assert.ok((await stat(path.join(base, 'data', 'files'))).isDirectory());
      assert.equal(running.paths.storageRoot, path.join(base, 'data', 'files'));
      const usersFile = path.join(base, 'users.yaml');
      const users = await readFile(usersFile, 'utf8');
      assert.match(users, /name: ferry\n\s+password: \$scrypt\$/);
      assert.ok(!users.includes(firstPassword));
      assert.equal((await stat(usersFile)).mode & 0o777, 0o600);

      assert.equal(running.loaded.config.tls.mode, 'required');
      assert.ok(running.addresses.implicit, 'implicit FTPS is on by default');
      assert.equal(await loginFingerprint(running.addresses.explicit!.port, 'ferry', firstPassword), fingerprint);

      // The listing threads start with the server, before any listing (so the first one runs on them).
      const expected = Math.min(2, os.availableParallelism());
      for (let i = 0; i < 100 && readyListingThreads() < expected; i++) await new Promise((resolve) => setTimeout(resolve, 50));
      assert.equal(readyListingThreads(), expected);
    } finally {
      await first.running.stop(1_000);
    }

    // Second start: nothing new is created or printed; the same certificate and password work.
    const usersBefore = await readFile(path.join(path.dirname(configFile), 'users.yaml'), 'utf8');
    const second = await start();
    try {
      assert.deepEqual(second.lines, []);
      assert.equal(await loginFingerprint(second.running.addresses.explicit!.port, 'ferry', firstPassword), fingerprint);
      assert.equal(await readFile(path.join(path.dirname(configFile), 'users.yaml'), 'utf8'), usersBefore);
    } finally {
      await second.running.stop(1_000);
    }
  });
});
