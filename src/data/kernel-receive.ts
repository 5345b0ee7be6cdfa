// Plain binary uploads received on a thread of their own (native/kernel-receive.c): it reads the data
// connection in 1 MiB pieces and writes each to the file at once, as vsftpd's and ProFTPD's
// per-session processes do, while the event loop only hears of the progress and the end. On the
// event loop (receive-file.ts) the same upload took about twice the CPU per GiB (BENCHMARKS.md).
import type { Socket } from 'node:net';
import { plainSocketFd } from './kernel-send.js';
import { native, systemError, ThreadLimit } from './native.js';

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
export function receiveWithKernel(options: KernelReceiveOptions): Promise<number> {
  const sys = native;
  if (!sys || !kernelReceiveAvailable) return Promise.reject(new Error('upload threads are not available in this process'));
  const { socket, fileFd, position, signal, onProgress } = options;
  return new Promise<number>((resolve, reject) => {
    signal.throwIfAborted();
    // Taken in the turn the thread duplicates it: a closed socket's number may already be reused.
    const socketFd = plainSocketFd(socket);
    if (socketFd === undefined || socket.destroyed) throw Object.assign(new Error('data connection closed'), { code: 'ERR_STREAM_DESTROYED' });
    let closedUnderIt = false;
    const cancel = (): void => thread.cancel();
    // The thread holds a duplicate of the socket: the connection stays open until the thread lets go.
    const onClose = (): void => {
      closedUnderIt = true;
      thread.cancel();
    };
    const thread = sys.receiveToFile(socketFd, fileFd, position ?? -1, (status, bytes) => {
      onProgress(bytes);
      if (status === 1) {
        // Re-arms the idle timer (set by the transfer), which only counts Node's own reads.
        if (socket.timeout) socket.setTimeout(socket.timeout);
        return;
      }
      signal.removeEventListener('abort', cancel);
      socket.off('close', onClose);
      if (status === 0) {
        socket.resume();
        resolve(bytes);
      } else if (signal.aborted) reject(signal.reason);
      else if (closedUnderIt) reject(Object.assign(new Error('data connection closed'), { code: 'ERR_STREAM_DESTROYED' }));
      else reject(systemError(status, 'upload'));
    });
    signal.addEventListener('abort', cancel, { once: true });
    socket.once('close', onClose);
  });
}
