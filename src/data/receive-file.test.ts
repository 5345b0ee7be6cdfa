import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import net from 'node:net';
import tls from 'node:tls';
import { Readable } from 'node:stream';
import { setTimeout as sleep } from 'node:timers/promises';
import { EventEmitter } from 'node:events';
import { describe, test } from 'node:test';
import { acquireTransferBuffer, releaseTransferBuffer } from '../storage/buffer-pool.js';
import { generateSelfSignedCertificate } from '../tls/certificate-generate.js';
import { SecureContextProvider } from '../tls/secure-context-provider.js';
import { DataChannel } from './data-channel.js';
import { readingInto, tlsReadingInto } from './read-into-buffers.js';
import { PassivePortPool } from './passive-port-pool.js';
import { UploadReceiver, type ReadHooks } from './receive-file.js';

const MiB = 1024 * 1024;
const sha256 = (data: Uint8Array): string => createHash('sha256').update(data).digest('hex');

/** Drain `receiver` like storage does (each chunk handled before the next is asked for); a slow writer waits `delayMs` per chunk. */
async function drain(receiver: UploadReceiver, delayMs = 0): Promise<{ hash: string; bytes: number; sizes: number[] }> {
  const hash = createHash('sha256');
  const sizes: number[] = [];
  for await (const chunk of receiver) {
    sizes.push(chunk.length);
    hash.update(chunk);
    if (delayMs > 0) await sleep(delayMs);
  }
  return { hash: hash.digest('hex'), bytes: sizes.reduce((a, b) => a + b, 0), sizes };
}

/** Count the reads that go through `hooks` (wrap them before a socket is set up with them). */
function countReads(hooks: ReadHooks): { readonly count: number } {
  const counter = { count: 0 };
  const callback = hooks.callback;
  hooks.callback = (bytes, buf) => (counter.count++, callback(bytes, buf));
  return counter;
}

/** The whole upload from `socket` through `receiver`, and how many 'data' events the socket emitted meanwhile. */
async function receive(receiver: UploadReceiver, socket: net.Socket, delayMs: number): Promise<Awaited<ReturnType<typeof drain>> & { dataEvents: number }> {
  let dataEvents = 0;
  socket.on('data', () => dataEvents++);
  receiver.attach(socket, socket, new AbortController().signal);
  const got = await drain(receiver, delayMs);
  socket.destroy();
  return { ...got, dataEvents };
}

/** A loopback connection: `send` runs on the client side; the server side is accepted paused, like a passive data connection. */
async function connection(send: (client: net.Socket) => void): Promise<{ accepted: net.Socket; close(): void }> {
  const server = net.createServer({ pauseOnConnect: true });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const accepted = new Promise<net.Socket>((resolve) => server.once('connection', resolve));
  const client = net.connect((server.address() as net.AddressInfo).port, '127.0.0.1', () => send(client));
  client.on('error', () => {});
  const socket = await accepted;
  server.close();
  return { accepted: socket, close: () => client.destroy() };
}

/**
 * A loopback TLS connection whose server side is made as Ferry makes it (a TLSSocket around the
 * accepted socket, set up by `setup` before the handshake); `send` runs on the client once secure.
 */
async function tlsConnection(setup: (socket: tls.TLSSocket) => void, send: (client: tls.TLSSocket, tcp: net.Socket) => void): Promise<tls.TLSSocket> {
  const { certPem, keyPem } = await (certificate ??= generateSelfSignedCertificate());
  const context = tls.createSecureContext({ cert: certPem, key: keyPem });
  const server = net.createServer({ pauseOnConnect: true });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const accepted = new Promise<net.Socket>((resolve) => server.once('connection', resolve));
  const tcp = net.connect((server.address() as net.AddressInfo).port, '127.0.0.1');
  tcp.on('error', () => {});
  const client = tls.connect({ socket: tcp, rejectUnauthorized: false }, () => send(client, tcp));
  client.on('error', () => {});
  const socket = new tls.TLSSocket(await accepted, { isServer: true, secureContext: context });
  server.close();
  setup(socket);
  return socket;
}
let certificate: ReturnType<typeof generateSelfSignedCertificate> | undefined;

describe('UploadReceiver', () => {
  test('a stream of odd chunks (TLS, ASCII) arrives whole, in chunks of at most 1 MiB', async () => {
    const data = randomBytes(3 * MiB + 12345);
    const pieces: Buffer[] = [];
    for (let at = 0, size = 1; at < data.length; at += size, size = (size * 7 + 13) % (1.5 * MiB)) pieces.push(data.subarray(at, at + size));
    const receiver = new UploadReceiver();
    const source = Readable.from(pieces);
    receiver.attach(source, source, new AbortController().signal);
    const got = await drain(receiver, 2);
    assert.equal(got.bytes, data.length);
    assert.equal(got.hash, sha256(data));
    assert.ok(got.sizes.every((n) => n > 0 && n <= MiB), `chunk sizes ${got.sizes.join(',')}`);
  });

  test('a plain connection reads straight into the buffers, with a slow writer and a fast one', async () => {
    for (const delayMs of [15, 0]) {
      const data = randomBytes(6 * MiB + 777);
      const { accepted } = await connection((client) => client.end(data));
      const receiver = new UploadReceiver();
      const reads = countReads(receiver.onread.plain);
      const socket = readingInto(accepted, receiver.onread.plain);
      assert.notEqual(socket, accepted, 'this Node lets Ferry read data connections into its own buffers');
      const got = await receive(receiver, socket, delayMs);
      assert.equal(got.hash, sha256(data));
      assert.equal(got.bytes, data.length);
      assert.ok(reads.count > 0);
      assert.equal(got.dataEvents, 0);
      // Large reads, not libuv's 64 KiB: the whole upload in far fewer reads than 64 KiB pieces.
      assert.ok(reads.count < data.length / (64 * 1024), `${reads.count} reads`);
    }
  });

  test('a TLS connection decrypts straight into the buffers, with a slow writer and a fast one', async () => {
    for (const delayMs of [15, 0]) {
      const data = randomBytes(5 * MiB + 4321);
      const receiver = new UploadReceiver();
      assert.ok(receiver.onread.tls.buffer().length < MiB, 'no pooled buffer is taken before bytes arrive');
      const reads = countReads(receiver.onread.tls);
      let hooked = false;
      // Many small writes: many records, so records decrypted after a pause land in the spill buffer.
      const socket = await tlsConnection(
        (server) => (hooked = tlsReadingInto(server, receiver.onread.tls)),
        (client) => {
          for (let at = 0; at < data.length; at += 40_000) client.write(data.subarray(at, at + 40_000));
          client.end();
        },
      );
      assert.ok(hooked, 'this Node lets Ferry read TLS data connections into its own buffers');
      const got = await receive(receiver, socket, delayMs);
      assert.equal(got.hash, sha256(data));
      assert.equal(got.bytes, data.length);
      assert.ok(reads.count >= data.length / (16 * 1024), `${reads.count} records`);
      assert.equal(got.dataEvents, 0);
      assert.ok(got.sizes.every((n) => n > 0 && n <= MiB), `chunk sizes ${got.sizes.join(',')}`);
    }
  });

  test('a reset TLS connection fails the upload', async () => {
    const receiver = new UploadReceiver();
    const socket = await tlsConnection(
      (server) => tlsReadingInto(server, receiver.onread.tls),
      (client, tcp) => client.write(randomBytes(200_000), () => setTimeout(() => tcp.resetAndDestroy(), 20)),
    );
    receiver.attach(socket, socket, new AbortController().signal);
    await assert.rejects(drain(receiver));
    socket.destroy();
  });

  test('a reset connection fails the upload, even where libuv reports it as an end of file', async () => {
    for (let round = 0; round < 5; round++) {
      const { accepted } = await connection((client) => client.write(randomBytes(300_000), () => client.resetAndDestroy()));
      const receiver = new UploadReceiver();
      await sleep(50); // the data and the reset are both waiting when reading starts
      const socket = readingInto(accepted, receiver.onread.plain);
      receiver.attach(socket, socket, new AbortController().signal);
      await assert.rejects(drain(receiver), (err: NodeJS.ErrnoException) => err.code === 'ECONNRESET');
      socket.destroy();
    }
  });

  test('an abort rejects the waiting writer with its reason', async () => {
    const { accepted, close } = await connection((client) => client.write(randomBytes(1000)));
    const receiver = new UploadReceiver();
    const socket = readingInto(accepted, receiver.onread.plain);
    const controller = new AbortController();
    receiver.attach(socket, socket, controller.signal);
    const draining = drain(receiver);
    await sleep(30);
    controller.abort(new Error('ABOR'));
    await assert.rejects(draining, /ABOR/);
    socket.destroy();
    close();
  });

  test('a connection closed before its end is not a complete upload', async () => {
    const source = new Readable({ read() {} });
    const receiver = new UploadReceiver();
    receiver.attach(source, source, new AbortController().signal);
    source.push(Buffer.from('partial'));
    const draining = drain(receiver);
    await sleep(10);
    source.destroy();
    await assert.rejects(draining, (err: NodeJS.ErrnoException) => err.code === 'ERR_STREAM_PREMATURE_CLOSE');
  });

  test('buffers go back to the pool only once the writer is done with them', async () => {
    // Everything arrives and the connection closes before storage has even opened its file.
    const data = randomBytes(MiB + 1);
    const source = Object.assign(new EventEmitter(), { pause() {}, resume() {} });
    const receiver = new UploadReceiver();
    receiver.attach(source as unknown as Readable, source as unknown as Readable, new AbortController().signal);
    source.emit('data', data.subarray(0, MiB));
    source.emit('data', data.subarray(MiB));
    source.emit('end');
    source.emit('close');
    // Another session takes pool buffers meanwhile and writes into them.
    const other = [acquireTransferBuffer(), acquireTransferBuffer()];
    for (const buffer of other) buffer.fill(0xaa);
    const got = await drain(receiver);
    for (const buffer of other) releaseTransferBuffer(buffer);
    assert.equal(got.bytes, data.length);
    assert.equal(got.hash, sha256(data));
  });
});

/**
 * A protected passive upload about to be made: a TLS session scope and a data channel listening on
 * loopback, as a session makes them (`secureOnAccept` as given), the bytes to send and a receiver
 * whose TLS reads are counted.
 */
async function protectedUpload(secureOnAccept: boolean) {
  const { certPem, keyPem } = await generateSelfSignedCertificate();
  const scope = new SecureContextProvider({ certPem, keyPem }, { minVersion: 'TLSv1.2' }).sessionScope();
  const channel = new DataChannel({
    pool: new PassivePortPool(0, 0),
    controlRemote: '127.0.0.1',
    controlLocal: '127.0.0.1',
    connectTimeoutMs: 5_000,
    allowForeignAddress: false,
    onRefused: () => {},
    onSecured: () => {},
    ...(secureOnAccept && { secureOnAccept: () => ({ tlsScope: scope, requireSessionReuse: false }) }),
  });
  const port = await channel.listenPassive();
  const data = randomBytes(3 * MiB + 17);
  const receiver = new UploadReceiver();
  const reads = countReads(receiver.onread.tls);
  return {
    channel,
    port,
    data,
    /** Open the prepared connection for the upload, into the receiver's buffers. */
    open: (): Promise<net.Socket> => channel.open({ tlsScope: scope, requireSessionReuse: false, upload: true, onread: receiver.onread, signal: new AbortController().signal }),
    /** The data arrived whole through the receiver's hooks, none of it through Node's own buffers. */
    async assertReceived(socket: net.Socket): Promise<void> {
      const got = await receive(receiver, socket, 0);
      assert.equal(got.hash, sha256(data));
      assert.ok(reads.count >= data.length / (16 * 1024), `${reads.count} records through the receiver's hooks`);
      assert.equal(got.dataEvents, 0, "no 'data' events: nothing went through Node's own buffers");
    },
  };
}

test('DataChannel.open decrypts a protected passive upload straight into the buffers', async () => {
  const upload = await protectedUpload(false);
  const client = tls.connect({ host: '127.0.0.1', port: upload.port, rejectUnauthorized: false }, () => client.end(upload.data));
  client.on('error', () => {});
  await upload.assertReceived(await upload.open());
  client.destroy();
});

test('DataChannel.open decrypts a protected upload into the buffers when its handshake completed as it was accepted (curl\'s order)', async () => {
  const upload = await protectedUpload(true);
  // The client finishes its handshake before the server's side knows the transfer (curl sends the
  // command only then), and sends its data only once the transfer has the connection.
  const client = tls.connect({ host: '127.0.0.1', port: upload.port, rejectUnauthorized: false });
  client.on('error', () => {});
  await new Promise((resolve) => client.once('secureConnect', resolve));
  await new Promise((resolve) => setTimeout(resolve, 100));
  assert.equal(upload.channel.isSecured, true, 'the handshake began as the connection was accepted');
  const socket = await upload.open();
  client.end(upload.data);
  await upload.assertReceived(socket);
  client.destroy();
});
