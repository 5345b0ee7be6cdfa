// Binary downloads: plain ones with sendfile(2) when the file and the process allow it (kernel-send.ts);
// otherwise two pooled buffers take turns, one being filled from the file while the socket sends the
// other, so the disk and the network overlap and nothing is allocated per chunk.
import type { Socket } from 'node:net';
import type { FileReader } from '../storage/storage.js';
import { acquireTransferBuffer, releaseTransferBuffer } from '../storage/buffer-pool.js';
import { kernelSendAvailable, plainSocketFd, sendWithKernel } from './kernel-send.js';

/** Files under this get two buffers of their own size instead of two pooled ones. */
const SMALL_FILE = 64 * 1024;

export interface SendFileOptions {
  /** The bytes left at open: sizes the buffers of small files (many at once hold a few KiB each). */
  expected: number;
  /** Allow sendfile(2) (config storage.sendfile) when the connection is plain and the file local. */
  kernel: boolean;
  /** How many sendfile downloads may go on threads of their own at once (config storage.downloadThreads). */
  threads?: number;
  /** Bytes sent so far, when the socket's own counters do not see them (sendfile). */
  onProgress(bytes: number): void;
}

/** Send the rest of `reader` and end the socket (TLS close_notify, then FIN); returns the bytes sent. */
export async function sendFile(reader: FileReader, socket: Socket, signal: AbortSignal, options: SendFileOptions): Promise<number> {
  const socketFd = options.kernel && kernelSendAvailable ? plainSocketFd(socket) : undefined;
  const file = socketFd === undefined ? undefined : reader.descriptor;
  if (socketFd !== undefined && file) {
    const { fd: fileFd, position: start } = file;
    const total = await sendWithKernel({ socket, socketFd, fileFd, start, signal, onProgress: options.onProgress, threads: options.threads });
    socket.end();
    return total;
  }
  return sendCopying(reader, socket, signal, options.expected);
}

async function sendCopying(reader: FileReader, socket: Socket, signal: AbortSignal, expected: number): Promise<number> {
  // One byte more than expected: a full buffer means the file grew, a short one its end.
  const small = expected < SMALL_FILE;
  // A small file fits its first buffer unless it grew: the second is made only then.
  const buffers: Buffer[] = small ? [Buffer.allocUnsafe(expected + 1)] : [acquireTransferBuffer(), acquireTransferBuffer()];
  const sending: [Promise<void> | undefined, Promise<void> | undefined] = [undefined, undefined];
  let total = 0;
  let settled = false;
  try {
    for (let turn: 0 | 1 = 0; ; turn = turn === 0 ? 1 : 0) {
      await sending[turn];
      signal.throwIfAborted();
      const buffer = (buffers[turn] ??= Buffer.allocUnsafe(expected + 1));
      const n = await reader.readInto(buffer);
      if (n > 0) {
        const write = writeChunk(socket, buffer.subarray(0, n), signal);
        write.catch(() => {}); // awaited on this buffer's next turn or below
        sending[turn] = write;
        total += n;
      }
      if (n < buffer.length) break; // a short read is the end of the file
    }
    await Promise.all(sending);
    settled = true;
  } finally {
    // A buffer whose write did not complete may still be referenced by the socket: never reuse it.
    if (settled && !small) for (const buffer of buffers) releaseTransferBuffer(buffer);
  }
  socket.end();
  return total;
}

function writeChunk(socket: Socket, chunk: Buffer, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    const onAbort = (): void => reject(signal.reason as Error);
    signal.addEventListener('abort', onAbort, { once: true });
    socket.write(chunk, (err) => {
      signal.removeEventListener('abort', onAbort);
      if (err) reject(err);
      else resolve();
    });
  });
}
