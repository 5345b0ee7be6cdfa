import assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import { buffer } from 'node:stream/consumers';
import { test } from 'node:test';
import fc from 'fast-check';
import { formatPasvAddress, normalizeAddress, parseEprtArgument, parsePortArgument, sameAddress } from './address.js';
import { fromNetworkAscii, toNetworkAscii } from './ascii-transform.js';

async function through(chunks: string[], make: typeof toNetworkAscii): Promise<string> {
  return (await buffer(Readable.from(chunks.map((c) => Buffer.from(c, 'latin1'))).pipe(make()))).toString('latin1');
}

test('TYPE A download: LF becomes CRLF, existing CRLF stays, across chunk boundaries', async () => {
  assert.equal(await through(['a\nb\r\nc\n'], toNetworkAscii), 'a\r\nb\r\nc\r\n');
  assert.equal(await through(['a\r', '\nb\n'], toNetworkAscii), 'a\r\nb\r\n');
});

test('TYPE A upload: CRLF becomes LF, a lone CR is kept, across chunk boundaries', async () => {
  assert.equal(await through(['a\r\nb\rc\r\n'], fromNetworkAscii), 'a\nb\rc\n');
  assert.equal(await through(['a\r', '\nb\r'], fromNetworkAscii), 'a\nb\r');
});

test('property: upload(download(x)) == x for LF-only text, whatever the chunking', async () => {
  await fc.assert(
    fc.asyncProperty(fc.array(fc.constantFrom('a', 'b', '\n', ' '), { maxLength: 60 }), fc.integer({ min: 1, max: 7 }), async (chars, size) => {
      const text = chars.join('');
      const chunk = (s: string) => s.match(new RegExp(`[\\s\\S]{1,${size}}`, 'g')) ?? [];
      const wire = await through(chunk(text), toNetworkAscii);
      assert.equal(await through(chunk(wire), fromNetworkAscii), text);
    }),
    { numRuns: 200 },
  );
});

test('PORT/EPRT/PASV address parsing', () => {
  assert.deepEqual(parsePortArgument('127,0,0,1,4,1'), { host: '127.0.0.1', port: 1025 });
  assert.equal(parsePortArgument('127,0,0,1,4'), undefined);
  assert.equal(parsePortArgument('256,0,0,1,4,1'), undefined);
  assert.equal(parsePortArgument('127,0,0,1,0,0'), undefined);
  assert.deepEqual(parseEprtArgument('|1|132.235.1.2|6275|'), { host: '132.235.1.2', port: 6275, family: 1 });
  assert.deepEqual(parseEprtArgument('|2|::1|6275|'), { host: '::1', port: 6275, family: 2 });
  assert.deepEqual(parseEprtArgument('|3|x|1|'), { unsupported: true });
  assert.equal(parseEprtArgument('|1|::1|6275|'), undefined);
  assert.equal(parseEprtArgument('|1|1.2.3.4|70000|'), undefined);
  assert.equal(formatPasvAddress('10.0.0.5', 50001), '10,0,0,5,195,81');
  assert.equal(normalizeAddress('::ffff:127.0.0.1'), '127.0.0.1');
  assert.ok(sameAddress('::ffff:127.0.0.1', '127.0.0.1'));
  assert.ok(!sameAddress('127.0.0.2', '127.0.0.1'));
});
