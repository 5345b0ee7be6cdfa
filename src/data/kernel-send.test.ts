import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { closeSync, openSync } from 'node:fs';
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { TLSSocket } from 'node:tls';
import type { FileReader } from '../storage/storage.js';
import { kernelSendAvailable, kernelSendThreadsAvailable, plainSocketFd, sendWithKernel } from './kernel-send.js';
import { native } from './native.js';
import { socketPair, withPair } from '../../test/helpers/socket-pair.js';
import { sendFile } from './send-file.js';

const MiB = 1024 * 1024;
const WITHIN = { timeout: 20_000 };

function sha256(data: Buffer): string {
  return createHash('sha256').update(data).digest('hex');
}

/** Everything the receiver gets until the sender's FIN. */
function receiveAll(socket: net.Socket): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    socket.on('data', (c: Buffer) => chunks.push(c));
    socket.once('end', () => resolve(Buffer.concat(chunks)));
    socket.once('error', reject);
  });
}

describe('sendfile (kernel-send)', () => {
  let dir: string;
  let file: string;
  let fd: number;
  const content = randomBytes(12 * MiB); // more than a loopback socket holds: the watch runs

  before(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'ferry-sendfile-'));
    file = path.join(dir, 'big.bin');
    await writeFile(file, content);
    fd = openSync(file, 'r');
  });
  after(async () => {
    closeSync(fd);
    await rm(dir, { recursive: true, force: true });
  });

  // Where npm install could build it (Linux with a C compiler), the helper must load: a broken build
  // would otherwise only show as slower plain downloads. Without a compiler Ferry works without it.
  const canBuild = process.platform === 'linux' && spawnSync('cc', ['--version']).status === 0;
  test('the native module is built and loaded on Linux (npm install builds it)', { skip: !canBuild && 'no C compiler here' }, () => {
    assert.equal(kernelSendAvailable, true, 'native/build missing or broken: run npm install and read its "ferry:" line');
  });

  // Both ways a file that fills the socket continues: bursts from the event loop on a writability
  // watch (storage.downloadThreads 0, or all threads busy), or a download thread of its own.
  for (const mode of [
    { name: 'from the event loop', threads: 0, skip: !kernelSendAvailable },
    { name: 'on a download thread', threads: 4, skip: !kernelSendThreadsAvailable },
  ]) {
    describe(mode.name, () => {
      /** The file from `start` through the pair's sender socket. */
      function send(sender: net.Socket, start: number, signal = new AbortController().signal, onProgress = (_bytes: number) => {}): Promise<number> {
        return sendWithKernel({ socket: sender, socketFd: plainSocketFd(sender)!, fileFd: fd, start, signal, onProgress, threads: mode.threads });
      }

      /** A send through a socket the peer does not read, aborted after `ms`: rejects with the reason. */
      async function abortWhileFull(pair: Awaited<ReturnType<typeof socketPair>>, ms: number): Promise<void> {
        pair.client.pause();
        const controller = new AbortController();
        const sending = send(pair.server, 0, controller.signal);
        setTimeout(() => controller.abort(new Error('ABOR')), ms);
        await assert.rejects(sending, /ABOR/);
      }

      /** A send through a socket the peer does not read, reset by the peer after `ms`: a connection error. */
      async function resetWhileFull(pair: Awaited<ReturnType<typeof socketPair>>, ms: number): Promise<void> {
        pair.client.pause();
        pair.server.on('error', () => {}); // Node's own read may see the reset too (a data channel listens)
        const sending = send(pair.server, 0);
        setTimeout(() => pair.client.resetAndDestroy(), ms);
        // ERR_STREAM_DESTROYED when Node saw the reset first and closed the socket.
        await assert.rejects(sending, (err: NodeJS.ErrnoException) => ['EPIPE', 'ECONNRESET', 'ERR_STREAM_DESTROYED'].includes(err.code ?? ''));
      }

      test('sends the file from an offset, whole, through a socket that fills up', { ...WITHIN, skip: mode.skip }, async () => {
        await withPair(async (pair) => {
          const received = receiveAll(pair.client);
          pair.client.pause(); // let the socket fill, so sendfile reports EAGAIN and the watch waits
          const progress: number[] = [];
          const sending = send(pair.server, 1000, undefined, (n) => progress.push(n));
          await new Promise((resolve) => setTimeout(resolve, 100));
          assert.ok(progress.length > 0 && progress.at(-1)! < content.length - 1000, 'stops at a full socket');
          pair.client.resume();
          const sent = await sending;
          pair.server.end();
          assert.equal(sent, content.length - 1000);
          assert.equal(progress.at(-1), sent);
          assert.equal(sha256(await received), sha256(content.subarray(1000)));
        });
      });

      test('the socket is corked while sendfile sends, and uncorked once the send ends, whole, small or aborted', { ...WITHIN, skip: mode.skip }, async () => {
        // The helper itself, to read TCP_CORK back (getsockopt): an uncork that never comes would only
        // show as a 200 ms wait for the last segment, which no test should time.
        const { tcpCork } = native!;
        await withPair(async (pair) => {
          const socketFd = plainSocketFd(pair.server)!;
          const received = receiveAll(pair.client);
          pair.client.pause();
          const sending = send(pair.server, 0);
          await new Promise((resolve) => setTimeout(resolve, 100));
          assert.equal(tcpCork(socketFd), 1, 'corked while the socket is full');
          pair.client.resume();
          await sending;
          assert.equal(tcpCork(socketFd), 0, 'uncorked when the file is sent');
          pair.server.end();
          assert.equal(sha256(await received), sha256(content));
        });
        await withPair(async (pair) => {
          const received = receiveAll(pair.client);
          assert.equal(await send(pair.server, content.length - 100), 100);
          assert.equal(tcpCork(plainSocketFd(pair.server)!), 0, 'uncorked after a send of one call');
          pair.server.end();
          assert.equal(sha256(await received), sha256(content.subarray(content.length - 100)));
        });
        await withPair(async (pair) => {
          const socketFd = plainSocketFd(pair.server)!;
          await abortWhileFull(pair, 50);
          assert.equal(tcpCork(socketFd), 0, 'uncorked after an abort');
        });
      });

      test('an offset at the end of the file sends nothing', { ...WITHIN, skip: mode.skip }, async () => {
        await withPair(async (pair) => {
          const received = receiveAll(pair.client);
          const sent = await send(pair.server, content.length);
          pair.server.end();
          assert.equal(sent, 0);
          assert.equal((await received).length, 0);
        });
      });

      test('an abort while the socket is full rejects with its reason', { ...WITHIN, skip: mode.skip }, async () => {
        await withPair((pair) => abortWhileFull(pair, 50));
      });

      test('a peer that goes away mid-file is a connection error (EPIPE, ECONNRESET, or Node closing the socket)', { ...WITHIN, skip: mode.skip }, async () => {
        await withPair((pair) => resetWhileFull(pair, 50));
      });

      test('a peer that half-closes while the socket is full does not make the wait spin', { ...WITHIN, skip: mode.skip }, async () => {
        await withPair(
          async (pair) => {
            pair.client.pause();
            const controller = new AbortController();
            const sending = send(pair.server, 0, controller.signal);
            sending.catch(() => {});
            await new Promise((resolve) => setTimeout(resolve, 50));
            pair.client.end(); // FIN: the peer stops sending but still reads; this side stays open
            const before = process.cpuUsage();
            await new Promise((resolve) => setTimeout(resolve, 300));
            const used = process.cpuUsage(before);
            controller.abort(new Error('done'));
            await assert.rejects(sending, /done/);
            // Waiting on a full socket costs next to nothing; a watch woken by the FIN again and again
            // would take the whole 300 ms.
            assert.ok((used.user + used.system) / 1000 < 150, `${(used.user + used.system) / 1000} ms of CPU while waiting`);
          },
          { allowHalfOpen: true },
        );
      });

      test('a socket Node closes mid-file (the peer\'s FIN, no half-open) ends it with a connection error', { ...WITHIN, skip: mode.skip }, async () => {
        await withPair(async (pair) => {
          pair.client.pause();
          const sending = send(pair.server, 0);
          setTimeout(() => pair.client.end(), 50);
          // Never EBADF: after the watch starts, sendfile writes to the watch's own descriptor, not to a
          // number Node may have closed (and the kernel given to another connection).
          await assert.rejects(sending, (err: NodeJS.ErrnoException) => ['EPIPE', 'ECONNRESET', 'ERR_STREAM_DESTROYED'].includes(err.code ?? ''));
        });
      });

      test('re-arms the socket idle timeout after each burst (Node does not see these bytes)', { ...WITHIN, skip: mode.skip }, async () => {
        await withPair(async (pair) => {
          pair.server.setTimeout(30_000, () => {});
          const rearmed: number[] = [];
          const setTimeoutOf = pair.server.setTimeout.bind(pair.server);
          pair.server.setTimeout = ((ms: number, callback?: () => void) => {
            rearmed.push(ms);
            return setTimeoutOf(ms, callback);
          }) as typeof pair.server.setTimeout;
          const received = receiveAll(pair.client);
          await send(pair.server, 0);
          pair.server.end();
          assert.equal((await received).length, content.length);
          assert.ok(rearmed.length > 0 && rearmed.every((ms) => ms === 30_000), `re-armed ${rearmed.length} times`);
          assert.equal(pair.server.listenerCount('timeout'), 1, 're-arming adds no listener');
        });
      });

      test('eight at once, each through full sockets, arrive whole; every watch gives its descriptor back', { ...WITHIN, skip: mode.skip }, async () => {
        const openFds = async (): Promise<number> => (await readdir('/proc/self/fd')).length;
        /**
         * The count once it is back to `target`, or after 1 s. libuv closes a watch's duplicate in the
         * loop's close phase, which a readdir on the thread pool may overtake: a leak still shows.
         */
        const settledFds = async (target: number): Promise<number> => {
          for (let i = 0; i < 100; i++) {
            const open = await openFds();
            if (open <= target) return open;
            await new Promise((resolve) => setTimeout(resolve, 10));
          }
          return openFds();
        };
        const before = await openFds();
        const pairs = await Promise.all(Array.from({ length: 8 }, () => socketPair()));
        try {
          const expected = sha256(content.subarray(4096));
          const runs = pairs.map(async (pair, i) => {
            const received = receiveAll(pair.client);
            pair.client.pause();
            setTimeout(() => pair.client.resume(), 20 * i); // staggered: the socket fills, the watch waits
            assert.equal(await send(pair.server, 4096), content.length - 4096);
            pair.server.end();
            assert.equal(sha256(await received), expected);
          });
          await Promise.all(runs);
        } finally {
          for (const pair of pairs) pair.close();
        }
        // An aborted and a failed transfer give theirs back too.
        await withPair((pair) => abortWhileFull(pair, 20));
        await withPair((pair) => resetWhileFull(pair, 20));
        assert.equal(await settledFds(before), before);
      });
    });
  }

  test('a file that fills the socket continues on a thread of its own, up to the limit; beyond it, from the event loop', { ...WITHIN, skip: !kernelSendThreadsAvailable }, async () => {
    const threads = async (): Promise<number> => (await readdir('/proc/self/task')).length;
    const pairs = await Promise.all([socketPair(), socketPair()]);
    try {
      const before = await threads();
      const received = pairs.map((pair) => receiveAll(pair.client));
      for (const pair of pairs) pair.client.pause();
      const sends: Promise<number>[] = [];
      const sendThrough = (pair: (typeof pairs)[number]): void => {
        const socket = pair.server;
        sends.push(sendWithKernel({ socket, socketFd: plainSocketFd(socket)!, fileFd: fd, start: 0, signal: new AbortController().signal, onProgress() {}, threads: 1 }));
      };
      sendThrough(pairs[0]!);
      await new Promise((resolve) => setTimeout(resolve, 50));
      assert.equal(await threads(), before + 1, 'the first download, waiting on a full socket, has a thread');
      sendThrough(pairs[1]!);
      await new Promise((resolve) => setTimeout(resolve, 50));
      assert.equal(await threads(), before + 1, 'the second waits on the event loop: the limit is one');
      for (const pair of pairs) pair.client.resume();
      assert.deepEqual(await Promise.all(sends), [content.length, content.length]);
      for (const pair of pairs) pair.server.end();
      for (const data of await Promise.all(received)) assert.equal(sha256(data), sha256(content));
      assert.equal(await threads(), before, 'the thread has ended');
    } finally {
      for (const pair of pairs) pair.close();
    }
  });

  test('plainSocketFd: a TCP socket has one, a TLS socket has none', async () => {
    await withPair(async (pair) => {
      assert.equal(typeof plainSocketFd(pair.server), 'number');
      assert.equal(plainSocketFd(new TLSSocket(new net.Socket())), undefined);
    });
  });

  /** A reader that has a descriptor, and fails if it is read through: only sendfile may move it. */
  function descriptorOnlyReader(): FileReader {
    return {
      size: content.length,
      descriptor: { fd, position: 0 },
      readInto: () => Promise.reject(new Error('read through the buffers')),
      close: () => Promise.resolve(),
      [Symbol.asyncIterator]: () => {
        throw new Error('iterated');
      },
    };
  }

  test('sendFile takes the sendfile path for a plain socket when allowed, the buffers otherwise', { ...WITHIN, skip: !kernelSendAvailable }, async () => {
    await withPair(async (pair) => {
      const received = receiveAll(pair.client);
      let progress = 0;
      const options = { expected: content.length, kernel: true, onProgress: (n: number) => (progress = n) };
      const sent = await sendFile(descriptorOnlyReader(), pair.server, new AbortController().signal, options);
      assert.equal(sent, content.length);
      assert.equal(progress, content.length);
      assert.equal(sha256(await received), sha256(content));
    });
    await withPair(async (second) => {
      const options = { expected: content.length, kernel: false, onProgress() {} };
      await assert.rejects(sendFile(descriptorOnlyReader(), second.server, new AbortController().signal, options), /read through the buffers/);
    });
  });
});
