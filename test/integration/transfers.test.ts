// Integration: uploads and downloads of 0 B to 50 MiB, byte exact (SHA-256 on disk and after download),
// over FTPS with PROT P and over plain FTP, in passive mode (basic-ftp) and active mode (raw client);
// PORT/EPRT refusals of RFC 2577 (foreign address, privileged port).
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { readdir, readFile, stat, writeFile } from 'node:fs/promises';
import net from 'node:net';
import path from 'node:path';
import { Readable } from 'node:stream';
import { TLSSocket } from 'node:tls';
import { after, before, describe, test } from 'node:test';
import type { Client } from 'basic-ftp';
import { kernelReceiveAvailable } from '../../src/data/kernel-receive.js';
import { kernelSendAvailable, kernelSendThreadsAvailable } from '../../src/data/kernel-send.js';
import { UploadReceiver } from '../../src/data/receive-file.js';
import { LocalFileReader } from '../../src/storage/local/local-file-reader.js';
import { connectClient } from '../helpers/connect-client.js';
import { HashSink } from '../helpers/hash-sink.js';
import { RawFtpClient, readAll, writeAll } from '../helpers/raw-ftp-client.js';
import { repeatingSha256, repeatingSource } from '../helpers/repeating-source.js';
import { replyCode } from '../helpers/reply-code.js';
import { sha256, sha256File } from '../helpers/sha256.js';
import { startTestServer, type TestServer } from '../helpers/test-server.js';

const MiB = 1024 * 1024;

/** This process's threads (a download thread shows as one more). */
async function threadCount(): Promise<number> {
  return (await readdir('/proc/self/task')).length;
}

/** Runs `body` counting the reads of local files through Ferry's buffers (what sendfile skips). */
async function countingBufferReads(body: () => Promise<void>): Promise<number> {
  const original = LocalFileReader.prototype.readInto;
  let reads = 0;
  LocalFileReader.prototype.readInto = function (this: LocalFileReader, buffer: Buffer) {
    reads++;
    return original.call(this, buffer);
  };
  try {
    await body();
  } finally {
    LocalFileReader.prototype.readInto = original;
  }
  return reads;
}

/** How many uploads `body` read through UploadReceiver (on the event loop, not on an upload thread). */
async function countingEventLoopUploads(body: () => Promise<void>): Promise<number> {
  const original = UploadReceiver.prototype[Symbol.asyncIterator];
  let uploads = 0;
  UploadReceiver.prototype[Symbol.asyncIterator] = function (this: UploadReceiver) {
    uploads++;
    return original.call(this);
  };
  try {
    await body();
  } finally {
    UploadReceiver.prototype[Symbol.asyncIterator] = original;
  }
  return uploads;
}

/**
 * An empty upload source that ends only once the data connection's TLS handshake is done.
 * basic-ftp starts piping as soon as `getCipher()` is set, which a TLS socket resuming a session
 * reports before its handshake: an empty source would then end the socket mid-handshake.
 */
function emptySourceAfterHandshake(client: Client): Readable {
  return new Readable({
    read() {
      const data = client.ftp.dataSocket;
      if (!(data instanceof TLSSocket) || data.getFinished() !== undefined) return void this.push(null);
      data.once('secureConnect', () => this.push(null));
    },
  });
}

interface Payload {
  label: string;
  size: number;
  source(): Readable;
  sha256: string;
}

function smallPayload(label: string, size: number): Payload {
  const data = randomBytes(size);
  return { label, size, source: () => Readable.from(size === 0 ? [] : [data]), sha256: sha256(data) };
}

const block = randomBytes(MiB);
const PAYLOADS: Payload[] = [
  smallPayload('0 B', 0),
  smallPayload('1 B', 1),
  smallPayload('1 MiB + 1 B', MiB + 1),
  { label: '50 MiB', size: 50 * MiB, source: () => repeatingSource(block, 50 * MiB), sha256: repeatingSha256(block, 50 * MiB) },
];

describe('transfers', () => {
  let server: TestServer;
  before(async () => {
    server = await startTestServer();
  });
  after(() => server.stop());

  for (const secure of [true, false]) {
    describe(secure ? 'explicit FTPS, PROT P' : 'plain FTP', () => {
      let client: Client;
      before(async () => {
        client = await connectClient(server, { secure });
      });
      after(() => client.close());

      test('data protection is what the mode says', async () => {
        const res = await client.send('STAT');
        assert.equal(res.code, 211);
        assert.match(res.message, secure ? /Data protection: private \(TLS\)/ : /Data protection: clear/);
        assert.match(res.message, secure ? /protected by TLS/ : /in clear text/);
      });

      for (const payload of PAYLOADS) {
        test(`${payload.label}: upload, then download, byte exact`, async () => {
          const name = `${secure ? 'tls' : 'plain'}-${payload.size}.bin`;
          const source = payload.size === 0 && secure ? emptySourceAfterHandshake(client) : payload.source();
          const up = await client.uploadFrom(source, name);
          assert.equal(up.code, 226);
          const onDisk = path.join(server.user.home, name);
          assert.equal((await stat(onDisk)).size, payload.size);
          assert.equal(await sha256File(onDisk), payload.sha256);
          assert.equal(await client.size(name), payload.size);

          const sink = new HashSink();
          const down = await client.downloadTo(sink, name);
          assert.equal(down.code, 226);
          assert.equal(sink.bytes, payload.size);
          assert.equal(sink.sha256, payload.sha256);
        });
      }

      test('a file written on the server side downloads byte exact', async () => {
        const data = randomBytes(300_000);
        await writeFile(path.join(server.user.home, `${secure}-server-side.bin`), data);
        const sink = new HashSink();
        assert.equal((await client.downloadTo(sink, `${secure}-server-side.bin`)).code, 226);
        assert.equal(sink.sha256, sha256(data));
      });

      test(`a binary download goes ${secure ? 'through Ferry\'s buffers (TLS)' : 'through sendfile, not Ferry\'s buffers'}`, { skip: !secure && !kernelSendAvailable && 'native helper not built' }, async () => {
        const data = randomBytes(3 * MiB);
        await writeFile(path.join(server.user.home, `${secure}-path.bin`), data);
        const sink = new HashSink();
        const reads = await countingBufferReads(async () => {
          assert.equal((await client.downloadTo(sink, `${secure}-path.bin`)).code, 226);
        });
        assert.equal(sink.sha256, sha256(data));
        if (secure) assert.ok(reads > 0, 'read through the buffers');
        else assert.equal(reads, 0, 'sent with sendfile');
      });

      test(`a binary upload goes ${secure ? 'through Ferry\'s event loop (TLS)' : 'to an upload thread, not through Ferry\'s event loop'}`, { skip: !secure && !kernelReceiveAvailable && 'native helper not built' }, async () => {
        const data = randomBytes(5 * MiB + 3);
        const name = `${secure}-upload-path.bin`;
        const uploads = await countingEventLoopUploads(async () => {
          assert.equal((await client.uploadFrom(Readable.from([data]), name)).code, 226);
        });
        assert.equal(await sha256File(path.join(server.user.home, name)), sha256(data));
        assert.equal(uploads, secure ? 1 : 0);
        // The session goes on, and the next upload (APPE: at the file's end) takes a thread again.
        const more = randomBytes(70_000);
        assert.equal((await client.appendFrom(Readable.from([more]), name)).code, 226);
        assert.equal(await sha256File(path.join(server.user.home, name)), sha256(Buffer.concat([data, more])));
      });
    });
  }

  test('storage.uploadThreads 0: a plain binary upload is read on the event loop, byte exact', async () => {
    const off = await startTestServer({ config: { storage: { uploadThreads: 0 } } });
    const plain = await connectClient(off, { secure: false });
    try {
      const data = randomBytes(3 * MiB);
      const uploads = await countingEventLoopUploads(async () => {
        assert.equal((await plain.uploadFrom(Readable.from([data]), 'on-the-loop.bin')).code, 226);
      });
      assert.equal(uploads, 1);
      assert.equal(await sha256File(path.join(off.user.home, 'on-the-loop.bin')), sha256(data));
    } finally {
      plain.close();
      await off.stop();
    }
  });

  // A download that fills the socket goes on a thread of its own unless storage.downloadThreads is 0.
  for (const downloadThreads of [16, 0]) {
    test(`storage.downloadThreads ${downloadThreads}: a plain binary download that fills the socket ${downloadThreads ? 'gets a thread' : 'stays on the event loop'}, byte exact`, { skip: !kernelSendThreadsAvailable && 'native helper not built' }, async () => {
      const threaded = await startTestServer({ config: { storage: { downloadThreads } } });
      const client = await RawFtpClient.login(threaded.host, threaded.port, threaded.user.name, threaded.user.password);
      try {
        const data = randomBytes(24 * MiB);
        await writeFile(path.join(threaded.user.home, 'fills.bin'), data);
        assert.equal((await client.send('TYPE I')).code, 200);
        const channel = await client.pasv();
        channel.pause(); // the socket fills: the rest waits for a thread or the event loop's watch
        const before = await threadCount();
        assert.equal((await client.send('RETR fills.bin')).code, 150);
        await new Promise((resolve) => setTimeout(resolve, 200));
        assert.equal(await threadCount(), before + (downloadThreads ? 1 : 0));
        channel.resume();
        assert.equal(sha256(await readAll(channel)), sha256(data));
        assert.equal((await client.read()).code, 226);
      } finally {
        await client.close();
        await threaded.stop();
      }
    });
  }

  test('storage.sendfile off: a plain binary download reads through Ferry\'s buffers, byte exact', async () => {
    const off = await startTestServer({ config: { storage: { sendfile: false } } });
    const plain = await connectClient(off, { secure: false });
    try {
      const data = randomBytes(3 * MiB);
      await writeFile(path.join(off.user.home, 'copied.bin'), data);
      const sink = new HashSink();
      const reads = await countingBufferReads(async () => {
        assert.equal((await plain.downloadTo(sink, 'copied.bin')).code, 226);
      });
      assert.equal(sink.sha256, sha256(data));
      assert.ok(reads > 0, 'read through the buffers');
    } finally {
      plain.close();
      await off.stop();
    }
  });

  describe('data TLS handshake cut short', () => {
    // Its own server: the hung transfer this test exposes keeps a 30 s timer alive (dataConnect), shortened here.
    let quickServer: TestServer;
    before(async () => {
      quickServer = await startTestServer({ config: { timeouts: { dataConnect: 2 } } });
    });
    after(() => quickServer.stop());

    test(
      'a client that closes the data connection during its TLS handshake gets 425 and the session goes on',
      async () => {
        // basic-ftp with an empty source does exactly this (it ends the socket before its handshake finishes).
        const quick = await connectClient(quickServer, { timeoutMs: 4_000 });
        try {
          assert.equal(await replyCode(quick.uploadFrom(Readable.from([]), 'empty-mid-handshake.bin')), 425);
          assert.equal((await quick.send('NOOP')).code, 200);
        } finally {
          quick.close();
        }
      },
    );
  });

  describe('active mode (PORT, raw client, plain FTP)', () => {
    let raw: RawFtpClient;
    before(async () => {
      raw = await RawFtpClient.login(server.host, server.port, server.user.name, server.user.password);
      assert.equal((await raw.send('TYPE I')).code, 200);
    });
    after(() => raw.close());

    /** Listen on 127.0.0.1, send PORT for it; resolves with the server's data connection once it connects. */
    async function activePort(): Promise<{ accepted: Promise<net.Socket>; listener: net.Server }> {
      const listener = net.createServer();
      await new Promise<void>((resolve) => listener.listen(0, '127.0.0.1', resolve));
      const port = (listener.address() as net.AddressInfo).port;
      const accepted = new Promise<net.Socket>((resolve) => listener.once('connection', resolve));
      const res = await raw.send(`PORT 127,0,0,1,${port >> 8},${port & 255}`);
      assert.equal(res.code, 200, res.text);
      return { accepted, listener };
    }

    test('STOR (on an upload thread) and RETR through PORT are byte exact', async () => {
      const data = randomBytes(MiB + 7);
      const uploads = await countingEventLoopUploads(async () => {
        const { accepted, listener } = await activePort();
        raw.write('STOR active.bin');
        const socket = await accepted;
        assert.equal((await raw.read()).code, 150);
        await writeAll(socket, data);
        assert.equal((await raw.read()).code, 226);
        listener.close();
      });
      assert.equal(uploads, kernelReceiveAvailable ? 0 : 1);
      assert.equal(sha256(await readFile(path.join(server.user.home, 'active.bin'))), sha256(data));
      {
        const { accepted, listener } = await activePort();
        raw.write('RETR active.bin');
        const socket = await accepted;
        const [opening, body] = await Promise.all([raw.read(), readAll(socket)]);
        assert.equal(opening.code, 150);
        assert.equal((await raw.read()).code, 226);
        assert.equal(sha256(body), sha256(data));
        listener.close();
      }
    });

    test('EPRT to our own address is accepted', async () => {
      assert.equal((await raw.send('EPRT |1|127.0.0.1|40000|')).code, 200);
      // Cancel the prepared active connection by switching to passive.
      assert.equal((await raw.send('PASV')).code, 227);
    });
  });

  describe('PORT/EPRT refusals (RFC 2577)', () => {
    let client: Client;
    before(async () => {
      client = await connectClient(server);
    });
    after(() => client.close());

    test('a foreign address gets 501', async () => {
      assert.equal(await replyCode(client.send('PORT 10,0,0,1,4,0')), 501);
      assert.equal(await replyCode(client.send('EPRT |1|10.0.0.1|1024|')), 501);
      assert.equal(await replyCode(client.send('PORT 192,168,1,20,200,10')), 501);
    });

    test('a privileged port gets 501', async () => {
      assert.equal(await replyCode(client.send('PORT 127,0,0,1,0,21')), 501);
      assert.equal(await replyCode(client.send('PORT 127,0,0,1,3,255')), 501); // 1023
      assert.equal(await replyCode(client.send('EPRT |1|127.0.0.1|80|')), 501);
    });

    test('malformed arguments get 501, an unknown protocol 522', async () => {
      assert.equal(await replyCode(client.send('PORT 127,0,0,1,4')), 501);
      assert.equal(await replyCode(client.send('PORT 300,0,0,1,4,0')), 501);
      assert.equal(await replyCode(client.send('EPRT |1|not-an-ip|2000|')), 501);
      assert.equal(await replyCode(client.send('EPRT |3|127.0.0.1|2000|')), 522);
    });

    test('the session still transfers after the refusals', async () => {
      const data = randomBytes(1000);
      assert.equal((await client.uploadFrom(Readable.from([data]), 'after-refusals.bin')).code, 226);
      const sink = new HashSink();
      await client.downloadTo(sink, 'after-refusals.bin');
      assert.equal(sink.sha256, sha256(data));
    });
  });
});
