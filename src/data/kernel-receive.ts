// Plain binary uploads received on a thread of their own (native/kernel-receive.c): it reads the data
// connection in 1 MiB pieces and writes each to the file at once, as vsftpd's and ProFTPD's
// per-session processes do, while the event loop only hears of the progress and the end. On the
// event loop (receive-file.ts) the same upload took about twice the CPU per GiB (BENCHMARKS.md).
import type { Socket } from 'node:net';
import { plainSocketFd } from './kernel-send.js';
import { native } from './native.js';
import { closedError, followThread, ThreadLimit } from './transfer-thread.js';

/** Whether this process can receive uploads on threads (the native helper is built and loaded). */
export const kernelReceiveAvailable = typeof native?.receiveToFile === 'function'; // a helper built before it lacks it

const uploadThreads = new ThreadLimit();

/**
 * Claim one of `limit` upload threads; returns its release (call it once), or undefined when all are
 * busy or the helper is missing: that upload then goes through the event loop, as TLS uploads do.
 */
export function claimUploadThread(limit: number): (() => void) | undefined {
  return kernelReceiveAvailable ? uploadThreads.claim(limit) : undefined;
}

export interface KernelReceiveOptions {
  /** The plain data connection, which Node is not reading (DataChannel's `unread`: accepted or connected paused). */
  socket: Socket;
  fileFd: number;
  /** Where the first byte goes; undefined: at the file's own offset (a new file, O_APPEND). */
  position: number | undefined;
  signal: AbortSignal;
  /** The bytes written so far: every 4 MiB or quarter of a second while bytes come, and at the end. */
  onProgress(bytes: number): void;
}

/**
 * Receive everything until the client's end of the connection into `fileFd`; resolves with the bytes
 * written. Rejects with the signal's reason on an abort, ECONNRESET when the client reset the
 * connection (even after its last bytes), or the write's error (ENOSPC...); what arrived before is in
 * the file. Keeps the socket's idle timeout alive while bytes come, since Node's socket does not see
 * them. On success the socket is read again by Node, which then sees the client's end and closes.
 */
export async function receiveWithKernel(options: KernelReceiveOptions): Promise<number> {
  const sys = native;
  if (!sys || !kernelReceiveAvailable) throw new Error('upload threads are not available in this process');
  const { socket, fileFd, position, signal, onProgress } = options;
  signal.throwIfAborted();
  // Taken in the turn the thread duplicates it: a closed socket's number may already be reused.
  const socketFd = plainSocketFd(socket);
  if (socketFd === undefined || socket.destroyed) throw closedError();
  const bytes = await followThread(socket, signal, 'upload', (callback) => sys.receiveToFile(socketFd, fileFd, position ?? -1, callback), onProgress);
  socket.resume(); // Node reads again, and sees the client's end
  return bytes;
}
