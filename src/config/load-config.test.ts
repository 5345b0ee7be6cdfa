// Tests for config validation and loading: defaults, messages that name key/value/allowed values,
// secrets never echoed, frozen result, YAML and file errors naming the file.
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { FerryError, isFerryError } from '../errors/ferry-error.js';
import { loadConfig, parseConfig } from './load-config.js';
import { configSchema } from './schema.js';

/** The message of the CONFIG_INVALID error `fn` throws (fails the test for anything else). */
function configError(fn: () => unknown): string {
  try {
    fn();
  } catch (err) {
    assert.ok(isFerryError(err, 'CONFIG_INVALID'), `expected CONFIG_INVALID, got ${String(err)}`);
    return err.message;
  }
  assert.fail('expected the configuration to be refused');
}

async function loadError(file: string): Promise<string> {
  const err = await loadConfig(file).then(
    () => assert.fail('expected the configuration to be refused'),
    (e: unknown) => e,
  );
  assert.ok(isFerryError(err, 'CONFIG_INVALID'), `expected CONFIG_INVALID, got ${String(err)}`);
  return (err as FerryError).message;
}

describe('parseConfig', () => {
  it('fills every default from an empty object', () => {
    const config = parseConfig({}, 'test.yaml');
    assert.equal(config.server.host, '0.0.0.0');
    assert.equal(config.server.port, 2121);
    assert.equal(config.server.shutdownGraceSeconds, 30);
    assert.equal(config.timeouts.idle, 900);
    assert.deepEqual({ min: config.passive.minPort, max: config.passive.maxPort }, { min: 50000, max: 50999 });
    assert.equal(config.passive.address, undefined);
    assert.equal(config.tls.mode, 'required');
    assert.deepEqual(config.tls.implicit, { enabled: true, port: 9990 });
    assert.equal(config.storage.root, 'data/files');
    assert.equal(config.users.file, 'users.yaml');
    assert.equal(config.users.anonymous.enabled, false);
    assert.equal(config.logging.level, 'info');
    // null (an empty YAML document) means "all defaults" as well
    assert.deepEqual(parseConfig(null, 'test.yaml'), config);
    assert.deepEqual(config, configSchema.parse({}));
  });

  it('keeps given values and defaults the rest of the section', () => {
    const config = parseConfig({ server: { port: 0 }, tls: { implicit: { port: 990 } } }, 'test.yaml');
    assert.equal(config.server.port, 0);
    assert.equal(config.server.host, '0.0.0.0');
    assert.deepEqual(config.tls.implicit, { enabled: true, port: 990 });
  });

  it('names the key, the bad value and the limit for an out-of-range port', () => {
    const message = configError(() => parseConfig({ server: { port: 70000 } }, '/etc/ferry.yaml'));
    assert.match(message, /^\/etc\/ferry\.yaml: invalid configuration/);
    assert.match(message, /server\.port: .*65535.*70000/);
  });

  it('lists the allowed values for an enum', () => {
    const message = configError(() => parseConfig({ tls: { mode: 'maybe' } }, 'f.yaml'));
    const line = message.split('\n').find((l) => l.includes('tls.mode'));
    assert.ok(line, message);
    for (const word of ['maybe', 'disabled', 'optional', 'required']) assert.ok(line.includes(word), `${word} missing in: ${line}`);
  });

  it('names a value of the wrong type', () => {
    const message = configError(() => parseConfig({ server: { maxClients: 'many' } }, 'f.yaml'));
    assert.match(message, /server\.maxClients: .*number.*"many"/);
  });

  it('names an unknown key by its full dotted path', () => {
    const message = configError(() => parseConfig({ server: { bogus: 1 }, tls: { implicit: { prot: 990 } } }, 'f.yaml'));
    assert.match(message, /^\s+server\.bogus: unknown key/m);
    assert.match(message, /^\s+tls\.implicit\.prot: unknown key/m);
    const top = configError(() => parseConfig({ sever: { port: 21 } }, 'f.yaml'));
    assert.match(top, /^\s+sever: unknown key/m);
  });

  it('refuses passive.minPort above passive.maxPort', () => {
    const message = configError(() => parseConfig({ passive: { minPort: 60000, maxPort: 50000 } }, 'f.yaml'));
    assert.match(message, /passive\.minPort: .*maxPort/);
    assert.equal(parseConfig({ passive: { minPort: 50000, maxPort: 50000 } }, 'f.yaml').passive.minPort, 50000);
  });

  it('reports every problem, one line each', () => {
    const message = configError(() => parseConfig({ server: { port: -1 }, timeouts: { idle: 0 }, storage: { umask: '999' } }, 'f.yaml'));
    assert.match(message, /server\.port: /);
    assert.match(message, /timeouts\.idle: /);
    assert.match(message, /storage\.umask: .*octal/);
  });

  it('never echoes tls.key, tls.passphrase or tls.cert values', () => {
    const secrets = { key: 918273645, passphrase: 564738291, cert: 192837465 };
    const message = configError(() => parseConfig({ tls: secrets }, 'f.yaml'));
    for (const [name, value] of Object.entries(secrets)) {
      assert.match(message, new RegExp(`tls\\.${name}: `));
      assert.ok(!message.includes(String(value)), `tls.${name} value echoed: ${message}`);
    }
  });

  it('returns a deeply frozen config', () => {
    const config = parseConfig({}, 'f.yaml');
    assert.ok(Object.isFrozen(config));
    assert.ok(Object.isFrozen(config.server));
    assert.ok(Object.isFrozen(config.tls.implicit));
    assert.throws(() => {
      (config.server as { port: number }).port = 21;
    }, TypeError);
    assert.equal(config.server.port, 2121);
  });
});

describe('loadConfig', () => {
  let dir: string;
  before(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'ferry-load-config-'));
  });
  after(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('loads a YAML file, resolves its path and freezes the result', async () => {
    const file = path.join(dir, 'ok.yaml');
    await writeFile(file, '# comment\nserver:\n  port: 2200\ntls:\n  mode: optional\n');
    const loaded = await loadConfig(path.relative(process.cwd(), file));
    assert.equal(loaded.file, file);
    assert.equal(loaded.baseDir, dir);
    assert.equal(loaded.config.server.port, 2200);
    assert.equal(loaded.config.tls.mode, 'optional');
    assert.equal(loaded.config.server.host, '0.0.0.0');
    assert.ok(Object.isFrozen(loaded.config.tls));
  });

  it('reads an empty file as all defaults', async () => {
    const file = path.join(dir, 'empty.yaml');
    await writeFile(file, '');
    assert.deepEqual((await loadConfig(file)).config, configSchema.parse({}));
  });

  it('names the file and the key for an invalid value', async () => {
    const file = path.join(dir, 'bad-port.yaml');
    await writeFile(file, 'server:\n  port: 70000\n');
    const message = await loadError(file);
    assert.ok(message.startsWith(file), message);
    assert.match(message, /server\.port: .*70000/);
  });

  it('names the file and the position for a YAML syntax error', async () => {
    const file = path.join(dir, 'syntax.yaml');
    await writeFile(file, 'server:\n  port: [2121\n  host: x\n');
    const message = await loadError(file);
    assert.ok(message.startsWith(`${file}: YAML syntax error`), message);
    assert.match(message, /line \d+/);
  });

  it('does not quote the passphrase when the YAML around it is broken', async () => {
    const file = path.join(dir, 'syntax-secret.yaml');
    await writeFile(file, 'tls:\n  passphrase: hunter2-secret: x\n');
    const message = await loadError(file);
    assert.ok(message.startsWith(`${file}: YAML syntax error`), message);
    assert.match(message, /line 2/);
    assert.ok(!message.includes('hunter2-secret'), message);
  });

  it('names the file when it cannot be read', async () => {
    const file = path.join(dir, 'missing.yaml');
    const message = await loadError(file);
    assert.ok(message.startsWith(`${file}: cannot read config file`), message);
  });
});
