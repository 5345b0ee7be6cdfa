// Integration: TYPE A converts line ends (RFC 959 3.1.1.1: CRLF on the wire, LF on disk) in both
// directions, even across chunk boundaries; TYPE I moves bytes unchanged, CR and LF included.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { Readable } from 'node:stream';
import { after, before, describe, test } from 'node:test';
import type { Client } from 'basic-ftp';
import { connectClient } from '../helpers/connect-client.js';
import { HashSink } from '../helpers/hash-sink.js';
import { replyCode } from '../helpers/reply-code.js';
import { sha256 } from '../helpers/sha256.js';
import { startTestServer, type TestServer } from '../helpers/test-server.js';

/** ~700 KB of text lines (several read chunks), LF-terminated, with some empty lines. */
function lfText(): string {
  const lines: string[] = [];
  for (let i = 0; i < 20_000; i++) lines.push(i % 7 === 0 ? '' : `line ${i}: ${'x'.repeat(i % 50)}`);
  return lines.join('\n') + '\n';
}

/** Upload that feeds the bytes in small odd-sized pieces, so CR and LF land on different chunks. */
function choppedSource(data: Buffer, piece = 4093): Readable {
  const parts: Buffer[] = [];
  for (let i = 0; i < data.length; i += piece) parts.push(data.subarray(i, i + piece));
  return Readable.from(parts);
}

describe('ASCII and binary types', () => {
  let server: TestServer;
  let client: Client;
  const onDisk = (name: string) => path.join(server.user.home, name);

  before(async () => {
    server = await startTestServer();
    client = await connectClient(server);
  });
  after(async () => {
    client.close();
    await server.stop();
  });

  test('TYPE A download of an LF file arrives with CRLF', async () => {
    const text = lfText();
    await writeFile(onDisk('unix.txt'), text);
    assert.equal((await client.send('TYPE A')).code, 200);
    const sink = new HashSink({ keep: true });
    assert.equal((await client.downloadTo(sink, 'unix.txt')).code, 226);
    const expected = Buffer.from(text.replace(/\n/g, '\r\n'));
    assert.equal(sink.bytes, expected.length);
    assert.ok(sink.data.equals(expected));
    // SIZE reports the file as stored.
    assert.equal(await client.size('unix.txt'), Buffer.byteLength(text));
  });

  test('TYPE A download keeps CRLF that is already there, and bare CRs', async () => {
    await writeFile(onDisk('mixed.txt'), 'dos\r\nunix\nold-mac\rend\n');
    assert.equal((await client.send('TYPE A')).code, 200);
    const sink = new HashSink({ keep: true });
    await client.downloadTo(sink, 'mixed.txt');
    assert.equal(sink.data.toString(), 'dos\r\nunix\r\nold-mac\rend\r\n');
  });

  test('TYPE A upload with CRLF is stored with LF', async () => {
    const text = lfText();
    const wire = Buffer.from(text.replace(/\n/g, '\r\n'));
    assert.equal((await client.send('TYPE A')).code, 200);
    assert.equal((await client.uploadFrom(choppedSource(wire), 'from-dos.txt')).code, 226);
    const stored = await readFile(onDisk('from-dos.txt'));
    assert.equal(stored.length, Buffer.byteLength(text));
    assert.equal(sha256(stored), sha256(text));
  });

  test('TYPE A upload keeps bare CRs and LFs', async () => {
    assert.equal((await client.send('TYPE A')).code, 200);
    const wire = Buffer.from('a\rb\r\nc\nd\r');
    assert.equal((await client.uploadFrom(Readable.from([wire]), 'odd.txt')).code, 226);
    assert.equal(await readFile(onDisk('odd.txt'), 'utf8'), 'a\rb\nc\nd\r');
  });

  test('TYPE I is byte exact, CR and LF bytes included', async () => {
    assert.equal((await client.send('TYPE I')).code, 200);
    const binary = Buffer.concat([Buffer.from('\r\n\n\r\r\n'), randomBytes(256 * 1024), Buffer.from('\r'), randomBytes(1000), Buffer.from('\n\r')]);
    assert.ok(binary.includes('\r\n'));
    assert.equal((await client.uploadFrom(choppedSource(binary), 'blob.bin')).code, 226);
    assert.equal(sha256(await readFile(onDisk('blob.bin'))), sha256(binary));
    const sink = new HashSink();
    assert.equal((await client.downloadTo(sink, 'blob.bin')).code, 226);
    assert.equal(sink.bytes, binary.length);
    assert.equal(sink.sha256, sha256(binary));
    // The text file from the ASCII test comes back as stored, LF only.
    const text = new HashSink({ keep: true });
    await client.downloadTo(text, 'mixed.txt');
    assert.equal(text.data.toString(), 'dos\r\nunix\nold-mac\rend\n');
  });

  test('TYPE arguments: A N and L 8 accepted, E and unknown types refused', async () => {
    assert.equal((await client.send('TYPE A N')).code, 200);
    assert.equal((await client.send('TYPE L 8')).code, 200);
    assert.equal(await replyCode(client.send('TYPE E')), 504);
    assert.equal(await replyCode(client.send('TYPE A T')), 504);
    assert.equal(await replyCode(client.send('TYPE Z')), 501);
    assert.equal((await client.send('TYPE I')).code, 200);
  });
});
