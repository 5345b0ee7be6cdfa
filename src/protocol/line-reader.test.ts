import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { LineReader, type LineEvent } from './line-reader.js';

function feed(reader: LineReader, chunks: Buffer[]): LineEvent[] {
  return chunks.flatMap((c) => reader.push(c));
}

test('splits CRLF lines and keeps partial lines across chunks', () => {
  const r = new LineReader(100);
  assert.deepEqual(r.push(Buffer.from('USER al')), []);
  assert.deepEqual(r.push(Buffer.from('ice\r\nPASS x\r')), [{ kind: 'line', text: 'USER alice' }]);
  assert.deepEqual(r.push(Buffer.from('\nNOOP\n')), [
    { kind: 'line', text: 'PASS x' },
    { kind: 'line', text: 'NOOP' },
  ]);
});

test('the same stream split at every byte offset yields the same commands', () => {
  const stream = Buffer.from('USER alice\r\nPASS s3cr\xffet\r\nCWD /d\xc3\xbcr\r\nNOOP\r\n', 'latin1');
  const whole = feed(new LineReader(100), [stream]);
  assert.equal(whole.length, 4);
  for (let i = 0; i <= stream.length; i++) {
    for (let j = i; j <= stream.length; j++) {
      const parts = [stream.subarray(0, i), stream.subarray(i, j), stream.subarray(j)];
      assert.deepEqual(feed(new LineReader(100), parts), whole, `split at ${i},${j}`);
    }
  }
});

test('decodes UTF-8 paths (RFC 2640)', () => {
  const [event] = new LineReader(100).push(Buffer.from('RETR ünïcødé ✓.txt\r\n', 'utf8'));
  assert.deepEqual(event, { kind: 'line', text: 'RETR ünïcødé ✓.txt' });
});

test('strips Telnet IAC sequences and keeps IAC IAC as 0xFF', () => {
  // IAC IP IAC DM ABOR (what clients send before ABOR), IAC WILL x, IAC IAC.
  const bytes = Buffer.from([0xff, 0xf4, 0xff, 0xf2, ...Buffer.from('ABOR\r\n'), 0xff, 0xfb, 0x01, ...Buffer.from('NO'), 0xff, 0xff, ...Buffer.from('OP\r\n')]);
  const events = new LineReader(100).push(bytes);
  assert.equal(events.length, 2);
  assert.deepEqual(events[0], { kind: 'line', text: 'ABOR' });
  assert.equal(events[1]!.kind, 'line');
  assert.equal((events[1] as { text: string }).text, 'NO\ufffdOP'); // lone 0xFF is not UTF-8
});

test('a line over the limit is reported once and the next line still works', () => {
  const r = new LineReader(10);
  assert.deepEqual(r.push(Buffer.from('RETR ' + 'x'.repeat(50))), []);
  assert.equal(r.pending, 0, 'nothing of the long line is buffered');
  assert.deepEqual(r.push(Buffer.from('yyy\r\nNOOP\r\n')), [{ kind: 'too-long' }, { kind: 'line', text: 'NOOP' }]);
});

test('reset() drops a half-received line (AUTH TLS plaintext injection)', () => {
  const r = new LineReader(100);
  r.push(Buffer.from('USER mallo'));
  r.reset();
  assert.deepEqual(r.push(Buffer.from('NOOP\r\n')), [{ kind: 'line', text: 'NOOP' }]);
});

test('property: random bytes in random chunks never throw and never exceed the limit', () => {
  fc.assert(
    fc.property(fc.array(fc.uint8Array({ maxLength: 64 }), { maxLength: 20 }), (chunks) => {
      const r = new LineReader(32);
      for (const c of chunks) {
        for (const e of r.push(Buffer.from(c))) if (e.kind === 'line') assert.ok(Buffer.byteLength(e.text) <= 32 * 3);
        assert.ok(r.pending <= 32);
      }
    }),
    { numRuns: 500 },
  );
});
