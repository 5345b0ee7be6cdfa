// Tests for the generated config documents: the default config file parses back to exactly the schema
// defaults, and the Markdown reference has one well-formed row per leaf key of the schema.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import YAML from 'yaml';
import { configReferenceMarkdown, defaultConfigYaml } from './config-docs.js';
import { configSchema } from './schema.js';

interface ZodDef {
  type: string;
  innerType?: { _zod: { def: ZodDef } };
  shape?: Record<string, { _zod: { def: ZodDef } }>;
}

/** Every leaf key of the schema ("tls.implicit.port"), read from the zod definitions themselves. */
function leafKeys(def: ZodDef = (configSchema as unknown as { _zod: { def: ZodDef } })._zod.def, prefix = ''): string[] {
  while (def.innerType && ['default', 'prefault', 'optional', 'nullable'].includes(def.type)) def = def.innerType._zod.def;
  if (def.type !== 'object' || !def.shape) return [prefix];
  return Object.entries(def.shape).flatMap(([key, child]) => leafKeys(child._zod.def, prefix ? `${prefix}.${key}` : key));
}

/** Table cells of a Markdown row, splitting only on unescaped pipes outside code spans. */
function cells(row: string): string[] {
  const out: string[] = [];
  let cell = '';
  let inCode = false;
  for (let i = 0; i < row.length; i++) {
    const c = row[i]!;
    if (c === '\\' && row[i + 1] === '|') {
      cell += '|';
      i++;
    } else if (c === '`') {
      inCode = !inCode;
      cell += c;
    } else if (c === '|' && !inCode) {
      out.push(cell.trim());
      cell = '';
    } else {
      cell += c;
    }
  }
  out.push(cell.trim());
  return out.slice(1, -1); // the row starts and ends with a pipe
}

describe('defaultConfigYaml', () => {
  it('parses back into exactly the schema defaults', () => {
    const text = defaultConfigYaml();
    const parsed: unknown = YAML.parse(text);
    assert.deepEqual(parsed, configSchema.parse({}));
    assert.deepEqual(configSchema.parse(parsed), configSchema.parse({}));
  });

  it('mentions every key, with its help text as a comment', () => {
    const text = defaultConfigYaml();
    for (const key of leafKeys()) {
      const name = key.split('.').at(-1)!;
      assert.match(text, new RegExp(`^\\s*(# )?${name}:`, 'm'), `${key} missing`);
    }
    // optional keys without a default stay commented out, so they keep their "unset" meaning
    assert.match(text, /^ {2}# address:$/m);
    assert.match(text, /^ {2}# Address advertised in PASV replies/m);
    assert.match(text, /^ {4}# Implicit FTPS port/m);
  });

  it('writes overrides in place of the defaults', () => {
    const parsed = YAML.parse(defaultConfigYaml({ server: { port: 0, host: '127.0.0.1' }, tls: { implicit: { port: 0 } } })) as unknown;
    const config = configSchema.parse(parsed);
    assert.equal(config.server.port, 0);
    assert.equal(config.server.host, '127.0.0.1');
    assert.equal(config.server.banner, 'Ferry FTP server ready');
    assert.deepEqual(config.tls.implicit, { enabled: true, port: 0 });
  });
});

describe('configReferenceMarkdown', () => {
  const rows = configReferenceMarkdown().split('\n');
  const keyed = new Map(rows.slice(2).map((row) => [/^\| `([^`]+)`/.exec(row)?.[1] ?? row, row]));

  it('has a header and one row per leaf key, in schema order', () => {
    assert.equal(rows[0], '| key | default | allowed | description |');
    assert.equal(rows[1], '| --- | --- | --- | --- |');
    const keys = leafKeys();
    assert.ok(keys.includes('tls.implicit.port') && keys.includes('passive.address') && keys.includes('users.anonymous.home'));
    assert.deepEqual([...keyed.keys()], keys);
  });

  it('shows defaults, ranges and descriptions', () => {
    assert.match(keyed.get('server.port')!, /\| `2121` \| 0\.\.65535 \| Explicit FTP\/FTPES control port/);
    assert.match(keyed.get('tls.implicit.port')!, /\| `9990` \| 0\.\.65535 \| Implicit FTPS port/);
    assert.match(keyed.get('passive.address')!, /^\| `passive\.address` \|  \| .* \| Address advertised in PASV replies/);
    assert.match(keyed.get('tls.mode')!, /`"required"`/);
    for (const mode of ['disabled', 'optional', 'required']) assert.ok(keyed.get('tls.mode')!.includes(mode));
  });

  it('keeps every row at four cells (enum values and descriptions do not break the table)', () => {
    for (const row of rows) assert.equal(cells(row).length, 4, row);
    assert.deepEqual(cells(keyed.get('logging.level')!).slice(0, 2), ['`logging.level`', '`"info"`']);
  });
});
