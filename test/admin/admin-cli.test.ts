// `ferry admin passwd` (set, create, generate; refuses weak passwords) and `ferry serve` printing the
// admin page's URL, with the password set by the CLI working on the page without a restart.
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import YAML from 'yaml';
import { FerryProcess, runFerry } from '../cli/run-ferry.js';
import { AdminHttpClient } from './admin-http-client.js';

describe('ferry admin passwd and the admin URL', () => {
  let dir: string;
  let configFile: string;
  let ferry: FerryProcess | undefined;
  before(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'ferry-admin-cli-'));
    configFile = path.join(dir, 'ferry.yaml');
    await writeFile(
      configFile,
      YAML.stringify({
        server: { host: '127.0.0.1', port: 0 },
        passive: { minPort: 0, maxPort: 0 },
        tls: { mode: 'optional', implicit: { enabled: false } },
        admin: { port: 0 },
        logging: { level: 'warn', pretty: 'never' },
      }),
    );
  });
  after(async () => {
    ferry?.kill();
    await rm(dir, { recursive: true, force: true });
  });

  it('sets and generates admin passwords, stored as scrypt hashes (0600)', async () => {
    let r = await runFerry(['admin', 'passwd', '-c', configFile, '--password-stdin'], { input: 'Admin-Pass-123\n' });
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /Admin admin created in .*admins\.yaml/);
    r = await runFerry(['admin', 'passwd', 'ops', '-c', configFile, '--generate-password']);
    assert.equal(r.code, 0, r.stderr);
    const generated = /Password \(shown once\): (\S+)/.exec(r.stdout)?.[1];
    assert.ok(generated);
    r = await runFerry(['admin', 'passwd', '-c', configFile, '--password-stdin'], { input: 'short\n' });
    assert.equal(r.code, 1);
    assert.match(r.stderr, /at least 8 characters/);
    const file = path.join(dir, 'admins.yaml');
    const text = await readFile(file, 'utf8');
    assert.ok(!text.includes('Admin-Pass-123') && !text.includes(generated));
    assert.equal((text.match(/\$scrypt\$/g) ?? []).length, 2);
    assert.equal((await stat(file)).mode & 0o777, 0o600);
  });

  it('`ferry serve` prints the admin URL; the password set by the CLI logs in (changed again without restart)', async () => {
    ferry = new FerryProcess(['serve', '-c', configFile], { timeoutMs: 40_000 });
    const m = await ferry.waitForOutput(/^Admin page: (http:\/\/127\.0\.0\.1:\d+\/)$/m, 20_000);
    assert.doesNotMatch(ferry.stdout, /Created the admin account/, 'an admin existed: no new password printed');
    const admin = new AdminHttpClient(m[1]!);
    assert.equal((await admin.login('admin', 'Admin-Pass-123')).status, 303);
    const r = await runFerry(['admin', 'passwd', '-c', configFile, '--password-stdin'], { input: 'Admin-Pass-456\n' });
    assert.equal(r.code, 0, r.stderr);
    assert.equal((await new AdminHttpClient(m[1]!).login('admin', 'Admin-Pass-123')).status, 401);
    assert.equal((await new AdminHttpClient(m[1]!).login('admin', 'Admin-Pass-456')).status, 303);
    const stopped = await ferry.stop();
    assert.equal(stopped.code, 0, stopped.stderr);
  });
});
