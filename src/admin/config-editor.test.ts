import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, before, beforeEach, describe, it } from 'node:test';
import { defaultConfigYaml } from '../config/config-docs.js';
import { loadConfig } from '../config/load-config.js';
import type { FerryConfig } from '../config/schema.js';
import { ConfigEditor } from './config-editor.js';

describe('ConfigEditor', () => {
  let dir: string;
  let file: string;
  let applied: FerryConfig[];
  let applyError: Error | undefined;
  let editor: ConfigEditor;
  before(async () => (dir = await mkdtemp(path.join(os.tmpdir(), 'ferry-config-editor-'))));
  after(async () => rm(dir, { recursive: true, force: true }));
  beforeEach(async () => {
    file = path.join(await mkdtemp(path.join(dir, 'case-')), 'ferry.yaml');
    await writeFile(file, defaultConfigYaml());
    applied = [];
    applyError = undefined;
    editor = new ConfigEditor(file, async (next) => {
      if (applyError) throw applyError;
      applied.push(next);
    });
  });

  it('edits values in place: comments, key order and other values are kept; the old file is the backup', async () => {
    const original = await readFile(file, 'utf8');
    const outcome = await editor.save([
      { key: 'server.port', value: 2222 },
      { key: 'server.banner', value: 'Hello' },
      { key: 'passive.address', value: '192.0.2.7' },
      { key: 'server.maxClients', value: 200 }, // unchanged: not touched
    ]);
    assert.equal(outcome.ok, true);
    assert.ok(outcome.ok);
    assert.deepEqual(outcome.changes, [
      { key: 'server.port', old: 2121, new: 2222 },
      { key: 'server.banner', old: 'Ferry FTP server ready', new: 'Hello' },
      { key: 'passive.address', old: undefined, new: '192.0.2.7' },
    ]);
    const text = await readFile(file, 'utf8');
    assert.equal(await readFile(`${file}.bak`, 'utf8'), original);
    // Same lines, except the changed ones (and the added address).
    const before = original.split('\n');
    const after = text.split('\n');
    const diff = after.filter((l) => !before.includes(l));
    assert.deepEqual(diff.sort(), ['  address: 192.0.2.7', '  banner: Hello', '  port: 2222'].sort());
    assert.ok(text.includes('# Explicit FTP/FTPES control port'), 'comments kept');
    assert.ok(text.indexOf('port: 2222') < text.indexOf('banner: Hello'), 'key order kept');
    assert.equal((await loadConfig(file)).config.server.port, 2222);
    assert.equal(applied.length, 1);
    assert.equal(applied[0]!.server.port, 2222);
  });

  it('refuses invalid values with a message per field; nothing applied or written', async () => {
    const original = await readFile(file, 'utf8');
    const outcome = await editor.save([
      { key: 'server.port', value: 70000 },
      { key: 'server.maxClients', value: 'abc' },
      { key: 'passive.minPort', value: 60000 },
      { key: 'passive.maxPort', value: 50000 },
    ]);
    assert.equal(outcome.ok, false);
    assert.ok(!outcome.ok);
    assert.match(outcome.fields['server.port']!, /65535/);
    assert.match(outcome.fields['server.maxClients']!, /number/);
    assert.match(outcome.fields['passive.minPort']!, /minPort must not be greater than maxPort/);
    assert.equal(await readFile(file, 'utf8'), original);
    assert.equal(applied.length, 0);
  });

  it('writes a multi-line PEM as a block literal and removes keys set to undefined', async () => {
    const pem = '-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n';
    await editor.save([{ key: 'tls.cert', value: pem }, { key: 'passive.address', value: '192.0.2.1' }]);
    const text = await readFile(file, 'utf8');
    assert.match(text, /cert: \|\n\s+-----BEGIN CERTIFICATE-----\n\s+AAAA\n/);
    assert.equal((await loadConfig(file)).config.tls.cert, pem);
    await editor.save([{ key: 'passive.address', value: undefined }]);
    assert.equal((await loadConfig(file)).config.passive.address, undefined);
  });

  it('a failed apply (port in use) is shown at the port and leaves the file alone', async () => {
    const original = await readFile(file, 'utf8');
    applyError = Object.assign(new Error('listen EADDRINUSE'), { code: 'EADDRINUSE' });
    const outcome = await editor.save([{ key: 'tls.implicit.port', value: 9991 }]);
    assert.ok(!outcome.ok);
    assert.match(outcome.fields['tls.implicit.port']!, /in use/);
    assert.equal(await readFile(file, 'utf8'), original);
  });

  it('runs the extra check before applying', async () => {
    const outcome = await editor.save([{ key: 'tls.cert', value: 'x' }], { check: () => ({ fields: { 'tls.cert': 'bad cert' }, general: [] }) });
    assert.ok(!outcome.ok);
    assert.equal(outcome.fields['tls.cert'], 'bad cert');
    assert.equal(applied.length, 0);
  });

  it('saving nothing new neither applies nor writes', async () => {
    const outcome = await editor.save([{ key: 'server.port', value: 2121 }]);
    assert.ok(outcome.ok);
    assert.deepEqual(outcome.changes, []);
    assert.equal(applied.length, 0);
    await assert.rejects(readFile(`${file}.bak`, 'utf8'));
  });
});
