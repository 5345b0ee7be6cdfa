import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { closeSync, openSync, readFileSync, writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { withPair } from '../../test/helpers/socket-pair.js';
import { claimUploadThread, kernelReceiveAvailable, receiveWithKernel } from './kernel-receive.js';

const WITHIN = { timeout: 20_000 };
// As Ferry's passive data connections are accepted: Node reads nothing until told to.
const PAUSED = { pauseOnConnect: true };

describe('upload threads (kernel-receive)', { skip: !kernelReceiveAvailable && 'native helper not built' }, () => {
  let dir: string;
  let file: string;
  before(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'ferry-receive-'));
    file = path.join(dir, 'upload.bin');
  });
  after(() => rm(dir, { recursive: true, force: true }));

  /** Runs `use` with `file` open (flags as fs.openSync takes them), closed afterwards. */
  async function withFile(flags: string, use: (fd: number) => Promise<void>): Promise<void> {
    const fd = openSync(file, flags);
    try {
      await use(fd);
    } finally {
      closeSync(fd);
    }
  }

  test('receives until the client ends, byte exact, reports the total, and Node then sees the end and closes the socket', WITHIN, async () => {
    const data = randomBytes(6 * 1024 * 1024 + 5);
    await withPair(async ({ server, client }) => {
      await withFile('w', async (fd) => {
        const progress: number[] = [];
        const closed = once(server, 'close');
        client.end(data);
        const bytes = await receiveWithKernel({ socket: server, fileFd: fd, position: undefined, signal: new AbortController().signal, onProgress: (n) => progress.push(n) });
        assert.equal(bytes, data.length);
        assert.equal(progress.at(-1), data.length);
        assert.ok(progress.every((n, i) => i === 0 || n >= progress[i - 1]!), 'progress only grows');
        await closed;
      });
    }, PAUSED);
    assert.ok(readFileSync(file).equals(data));
  });

  test('writes from a position (REST + STOR), or at the file\'s offset (APPE)', WITHIN, async () => {
    const head = Buffer.alloc(100, 'a');
    const middle = randomBytes(300_000);
    const tail = randomBytes(70_000);
    writeFileSync(file, head);
    await withPair(async ({ server, client }) => {
      await withFile('r+', async (fd) => {
        client.end(middle);
        assert.equal(await receiveWithKernel({ socket: server, fileFd: fd, position: 10, signal: new AbortController().signal, onProgress() {} }), middle.length);
      });
    }, PAUSED);
    await withPair(async ({ server, client }) => {
      await withFile('a', async (fd) => {
        client.end(tail);
        assert.equal(await receiveWithKernel({ socket: server, fileFd: fd, position: undefined, signal: new AbortController().signal, onProgress() {} }), tail.length);
      });
    }, PAUSED);
    assert.ok(readFileSync(file).equals(Buffer.concat([head.subarray(0, 10), middle, tail])));
  });

  test('a client that resets the connection after its last bytes fails the upload (ECONNRESET), not a truncated success', WITHIN, async () => {
    const data = randomBytes(512 * 1024);
    await withPair(async ({ server, client }) => {
      await withFile('w', async (fd) => {
        client.write(data, () => client.resetAndDestroy());
        await assert.rejects(receiveWithKernel({ socket: server, fileFd: fd, position: undefined, signal: new AbortController().signal, onProgress() {} }), { code: 'ECONNRESET' });
      });
    }, PAUSED);
    const written = readFileSync(file);
    assert.ok(data.subarray(0, written.length).equals(written), 'what was written is a prefix of what was sent');
  });

  test('a slow client\'s few bytes are reported while it sends (the idle timer goes on), and an abort then stops the thread', WITHIN, async () => {
    const first = randomBytes(10_000); // far below what wakes the thread at once
    await withPair(async ({ server, client }) => {
      await withFile('w', async (fd) => {
        const controller = new AbortController();
        let reported!: () => void;
        const progressed = new Promise<void>((resolve) => (reported = resolve));
        const receiving = receiveWithKernel({
          socket: server,
          fileFd: fd,
          position: undefined,
          signal: controller.signal,
          onProgress: (n) => n === first.length && reported(),
        });
        client.write(first); // and nothing more: the client stalls with the connection open
        await progressed;
        const reason = new Error('stop');
        controller.abort(reason);
        await assert.rejects(receiving, (err) => err === reason);
      });
    }, PAUSED);
    assert.ok(readFileSync(file).equals(first));
  });

  test('Node closing the socket stops the thread, which lets the connection go', WITHIN, async () => {
    await withPair(async ({ server, client }) => {
      await withFile('w', async (fd) => {
        client.write(randomBytes(1000));
        // Unread bytes: the server's close is a reset for the client, seen only once the thread lets go.
        const clientClosed = new Promise((resolve) => client.once('close', resolve));
        client.on('error', () => {});
        client.resume();
        const receiving = receiveWithKernel({ socket: server, fileFd: fd, position: undefined, signal: new AbortController().signal, onProgress() {} });
        server.destroy();
        await assert.rejects(receiving, { code: 'ERR_STREAM_DESTROYED' });
        await clientClosed;
      });
    }, PAUSED);
  });

  test('a destroyed socket is refused before any thread starts; a file that cannot be written fails the upload with its error', WITHIN, async () => {
    await withPair(async ({ server }) => {
      server.destroy();
      await withFile('w', async (fd) => {
        await assert.rejects(receiveWithKernel({ socket: server, fileFd: fd, position: undefined, signal: new AbortController().signal, onProgress() {} }), { code: 'ERR_STREAM_DESTROYED' });
      });
    }, PAUSED);
    await withPair(async ({ server, client }) => {
      await withFile('r', async (fd) => {
        client.write(randomBytes(1000));
        await assert.rejects(receiveWithKernel({ socket: server, fileFd: fd, position: undefined, signal: new AbortController().signal, onProgress() {} }), { code: 'EBADF' });
      });
    }, PAUSED);
  });

  test('claimUploadThread hands out at most `limit` threads at once', () => {
    const first = claimUploadThread(2);
    const second = claimUploadThread(2);
    assert.ok(first && second);
    assert.equal(claimUploadThread(2), undefined);
    first();
    first(); // a second release changes nothing
    const third = claimUploadThread(2);
    assert.ok(third);
    assert.equal(claimUploadThread(2), undefined);
    second();
    third();
    assert.equal(claimUploadThread(0), undefined);
  });
});
