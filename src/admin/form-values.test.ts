import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { allConfigKeys, configField, valueAt } from './config-fields.js';
import { changesFromForm, formString } from './form-values.js';

describe('config fields', () => {
  it('reads type, default, range and help text from the schema', () => {
    const port = configField('server.port');
    assert.equal(port.kind, 'integer');
    assert.equal(port.default, 2121);
    assert.equal(port.minimum, 0);
    assert.equal(port.maximum, 65535);
    assert.match(port.description, /control port/);
    const mode = configField('tls.mode');
    assert.deepEqual(mode.enum, ['disabled', 'optional', 'required']);
    assert.equal(configField('passive.address').optional, true);
    assert.equal(configField('passive.address').format, 'ipv4');
    assert.throws(() => configField('server'), /no config key/);
    assert.ok(allConfigKeys().includes('admin.port'));
    assert.equal(valueAt({ a: { b: 3 } }, 'a.b'), 3);
  });

  it('converts form text without validating it (zod decides)', () => {
    const changes = changesFromForm(
      { 'server.port': '70000', 'server.maxClients': 'abc', 'server.banner': ' Hi ', 'passive.address': '', 'tls.control': '' },
      ['server.port', 'server.maxClients', 'server.banner', 'passive.allowForeignAddress', 'passive.address', 'tls.control'],
    );
    assert.deepEqual(changes, [
      { key: 'server.port', value: 70000 },
      { key: 'server.maxClients', value: 'abc' },
      { key: 'server.banner', value: 'Hi' },
      { key: 'passive.allowForeignAddress', value: false },
      { key: 'passive.address', value: undefined },
      { key: 'tls.control', value: undefined },
    ]);
    assert.deepEqual(changesFromForm({ 'active.enabled': 'on' }, ['active.enabled']), [{ key: 'active.enabled', value: true }]);
    // A JSON body (numbers, repeated fields) is read as text too, never crashing the route.
    const json = { 'server.port': 2222, name: ['a', 'b'], obj: { x: 1 } } as unknown as Record<string, string>;
    assert.equal(formString(json, 'server.port'), '2222');
    assert.equal(formString(json, 'name'), 'b');
    assert.equal(formString(json, 'obj'), '{"x":1}');
    assert.deepEqual(changesFromForm(json, ['server.port']), [{ key: 'server.port', value: 2222 }]);
  });
});
