// Tests for scrypt password hashing: format, round trip, parameter parsing, malformed input, generation.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  DEFAULT_SCRYPT_COST,
  PASSWORD_ALPHABET,
  generatePassword,
  getDummyHash,
  hashPassword,
  parsePasswordHash,
  verifyAgainstDummy,
  verifyPassword,
} from './password-hash.js';

const FAST = { ln: 4, r: 8, p: 1 };
const b64 = (s: string, enc: BufferEncoding = 'utf8') => Buffer.from(s, enc).toString('base64');

// RFC 7914 section 12, third vector: P="pleaseletmein", S="SodiumChloride", N=16384, r=8, p=1, dkLen=64.
const RFC_VECTOR = `$scrypt$ln=14,r=8,p=1$${b64('SodiumChloride')}$${b64(
  '7023bdcb3afd7348461c06cd81fd38ebfda8fbba904f8e3ea9b543f6545da1f2d5432955613f0fcf62d49705242a9af9e61e85dc0d651e40dfcf017b45575887',
  'hex',
)}`;

describe('hashPassword / verifyPassword', () => {
  it('writes the self-describing format with the default cost, a 16-byte salt and a 32-byte hash', async () => {
    const encoded = await hashPassword('s3cret');
    const m = /^\$scrypt\$ln=14,r=8,p=1\$([^$]+)\$([^$]+)$/.exec(encoded);
    assert.ok(m, encoded);
    assert.equal(Buffer.from(m[1]!, 'base64').length, 16);
    assert.equal(Buffer.from(m[2]!, 'base64').length, 32);
    assert.deepEqual(DEFAULT_SCRYPT_COST, { ln: 14, r: 8, p: 1 });
    assert.equal(await verifyPassword('s3cret', encoded), true);
  });

  it('round-trips and rejects a wrong password', async () => {
    const encoded = await hashPassword('correct horse', FAST);
    assert.equal(await verifyPassword('correct horse', encoded), true);
    assert.equal(await verifyPassword('correct horsE', encoded), false);
    assert.equal(await verifyPassword('', encoded), false);
  });

  it('salts every hash', async () => {
    const [a, b] = await Promise.all([hashPassword('same', FAST), hashPassword('same', FAST)]);
    assert.notEqual(a, b);
  });

  it('treats composed and decomposed accents as the same password (NFC)', async () => {
    const encoded = await hashPassword('caf\u00e9', FAST);
    assert.equal(await verifyPassword('cafe\u0301', encoded), true);
  });

  it('verifies RFC 7914 test vector 3, reading the cost and key length from the string', async () => {
    assert.equal(await verifyPassword('pleaseletmein', RFC_VECTOR), true);
    assert.equal(await verifyPassword('pleaseletmeout', RFC_VECTOR), false);
  });

  it('parses the parameters from the string, so other costs keep working', async () => {
    const encoded = await hashPassword('pw', { ln: 5, r: 4, p: 2 });
    const parsed = parsePasswordHash(encoded);
    assert.deepEqual(parsed?.cost, { ln: 5, r: 4, p: 2 });
    assert.equal(parsed?.salt.length, 16);
    assert.equal(parsed?.hash.length, 32);
    assert.equal(await verifyPassword('pw', encoded), true);
    // The same salt and hash under different parameters no longer match.
    assert.equal(await verifyPassword('pw', encoded.replace('ln=5,r=4,p=2', 'ln=5,r=4,p=1')), false);
  });

  it('refuses to hash with a cost outside the bounds', async () => {
    await assert.rejects(hashPassword('pw', { ln: 21, r: 8, p: 1 }), RangeError);
    await assert.rejects(hashPassword('pw', { ln: 14, r: 8, p: 0 }), RangeError);
  });
});

describe('malformed stored hashes', () => {
  const salt = b64('0123456789abcdef');
  const hash = b64('0123456789abcdef0123456789abcdef');
  const cases: Record<string, string> = {
    empty: '',
    'plain text': 'hunter2',
    'other algorithm': `$argon2id$v=19$m=65536,t=3,p=4$${salt}$${hash}`,
    'missing hash': `$scrypt$ln=14,r=8,p=1$${salt}`,
    'extra field': `$scrypt$ln=14,r=8,p=1$${salt}$${hash}$x`,
    'parameters reordered': `$scrypt$r=8,ln=14,p=1$${salt}$${hash}`,
    'ln above 20': `$scrypt$ln=21,r=8,p=1$${salt}$${hash}`,
    'ln zero': `$scrypt$ln=0,r=8,p=1$${salt}$${hash}`,
    'r above 16': `$scrypt$ln=14,r=17,p=1$${salt}$${hash}`,
    'p above 4': `$scrypt$ln=14,r=8,p=5$${salt}$${hash}`,
    'p zero': `$scrypt$ln=14,r=8,p=0$${salt}$${hash}`,
    'memory over the cap (ln=20,r=16 = 2 GiB)': `$scrypt$ln=20,r=16,p=1$${salt}$${hash}`,
    'salt too short': `$scrypt$ln=4,r=8,p=1$${b64('short')}$${hash}`,
    'hash too short': `$scrypt$ln=4,r=8,p=1$${salt}$${b64('short')}`,
    'hash too long': `$scrypt$ln=4,r=8,p=1$${salt}$${b64('x'.repeat(65))}`,
    'not base64': `$scrypt$ln=4,r=8,p=1$${salt}$${hash.replace(/^./, '!')}`,
    'trailing newline': `$scrypt$ln=4,r=8,p=1$${salt}$${hash}\n`,
  };
  for (const [label, encoded] of Object.entries(cases)) {
    it(`${label}: parses to nothing and never matches`, async () => {
      assert.equal(parsePasswordHash(encoded), undefined);
      assert.equal(await verifyPassword('hunter2', encoded), false);
    });
  }

  it('accepts the largest allowed memory (ln=17,r=8) as a format', () => {
    assert.deepEqual(parsePasswordHash(`$scrypt$ln=17,r=8,p=1$${salt}$${hash}`)?.cost, { ln: 17, r: 8, p: 1 });
  });
});

describe('dummy verification', () => {
  it('computes the dummy hash once, with the default cost', async () => {
    const [a, b] = await Promise.all([getDummyHash(), getDummyHash()]);
    assert.equal(a, b);
    assert.deepEqual(parsePasswordHash(a)?.cost, DEFAULT_SCRYPT_COST);
  });

  it('always returns false', async () => {
    assert.equal(await verifyAgainstDummy('anything'), false);
    assert.equal(await verifyAgainstDummy(''), false);
  });
});

describe('generatePassword', () => {
  it('gives 20 characters from the unambiguous alphabet', () => {
    for (let i = 0; i < 50; i++) {
      const pw = generatePassword();
      assert.equal(pw.length, 20);
      for (const ch of pw) assert.ok(PASSWORD_ALPHABET.includes(ch), `unexpected ${ch}`);
    }
    assert.doesNotMatch(PASSWORD_ALPHABET, /[0O1lIo]/);
  });

  it('does not repeat itself', () => {
    const seen = new Set(Array.from({ length: 200 }, generatePassword));
    assert.equal(seen.size, 200);
  });
});
