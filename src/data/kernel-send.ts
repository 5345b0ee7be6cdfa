// Plain binary downloads through sendfile(2), as vsftpd and ProFTPD send files: the kernel moves the
// file's pages into the socket, with no copy through Ferry's buffers. Node has no sendfile, so a
// small native module (native/, built by `npm install`) provides the system call and a writability
// watch (native.ts); without it (not built, not Linux) downloads read into Ferry's buffers (send-file.ts).
import type { Socket } from 'node:net';
import { constants } from 'node:os';
import { native, systemError } from './native.js';

/** Whether this process can send files with sendfile(2) (the native module is built and loaded). */
export const kernelSendAvailable = native !== undefined;

/**
 * Bytes handed to the kernel per call. A socket takes at most its free buffer space per call anyway;
 * this bounds the first call for a file that is still being written to.
 */
const CALL_BYTES = 16 * 1024 * 1024;
/** Most bytes sent in one turn of the event loop, so one fast client does not hold up the others. */
const TURN_BYTES = 8 * 1024 * 1024;

/** A plain TCP socket's descriptor, or undefined (TLS, not a TCP handle, not open). */
export function plainSocketFd(socket: Socket): number | undefined {
  if ('encrypted' in socket) return undefined; // a TLSSocket: the bytes must go through OpenSSL
  const fd = (socket as unknown as { _handle?: { fd?: unknown } })._handle?.fd;
  return typeof fd === 'number' && fd >= 0 ? fd : undefined;
}

export interface KernelSendOptions {
  socket: Socket;
  socketFd: number;
  fileFd: number;
  /** Offset in the file to send from. */
  start: number;
  signal: AbortSignal;
  /** Called with the bytes sent so far, after each burst. */
  onProgress(bytes: number): void;
}

/**
 * Send the file from `start` to its end (as it is when the end is reached, like a read loop) with
 * sendfile(2); resolves with the bytes sent. The socket is corked meanwhile (TCP_CORK, as ProFTPD
 * does): only full segments go out, and the last one when it is uncorked, before this settles. Keeps
 * the socket's idle timeout alive while bytes move, since Node's socket does not see them. Rejects
 * with a system error (EPIPE, ECONNRESET, EIO...) or the signal's reason. The caller ends the socket.
 */
export function sendWithKernel(options: KernelSendOptions): Promise<number> {
  const sys = native;
  if (!sys) return Promise.reject(new Error('sendfile is not available in this process'));
  const { socket, socketFd, fileFd, start, signal, onProgress } = options;
  let offset = start;

  /** Sends one turn's worth to `out`: 'done' at the end of the file, 'full' when the socket is full. */
  const burst = (out: number): 'done' | 'full' | 'more' => {
    const limit = offset + TURN_BYTES;
    while (offset < limit) {
      const n = sys.sendfile(out, fileFd, offset, CALL_BYTES);
      if (n > 0) {
        offset += n;
        continue;
      }
      if (n === 0) return 'done';
      if (n === -constants.errno.EAGAIN) return 'full';
      throw systemError(n, 'sendfile');
    }
    return 'more';
  };
  const progressed = (): void => {
    onProgress(offset - start);
    // Re-arms the socket's idle timer (set by the transfer), which only counts Node's own writes.
    if (socket.timeout) socket.setTimeout(socket.timeout);
  };

  return new Promise<number>((resolve, reject) => {
    signal.throwIfAborted();
    let watch: { fd: number; close(): void } | undefined;
    let settled = false;
    sys.tcpCork(socketFd, true); // best effort: a socket that refuses still sends, segment by segment
    const finish = (err?: unknown): void => {
      if (settled) return;
      settled = true;
      // Without a watch, finish runs in the turn that took socketFd from the open socket.
      if (!socket.destroyed) sys.tcpCork(watch?.fd ?? socketFd, false);
      watch?.close();
      signal.removeEventListener('abort', onAbort);
      if (err === undefined) resolve(offset - start);
      else reject(err instanceof Error ? err : new Error(String(err)));
    };
    const onAbort = (): void => finish(signal.reason);
    const pump = (status: number): void => {
      if (settled || !watch) return;
      // Node closed the socket meanwhile (an error, or the peer's FIN): a connection error, as a write would be.
      if (socket.destroyed) return finish(Object.assign(new Error('data connection closed'), { code: 'ERR_STREAM_DESTROYED' }));
      try {
        const before = offset;
        // To the watch's duplicate: the original descriptor number may already be closed, even reused.
        const state = burst(watch.fd);
        if (offset > before) progressed();
        if (state === 'done') finish();
        // libuv stops a watch whose socket reported an error: one that is still full is done for.
        else if (state === 'full' && status < 0) finish(systemError(status, 'sendfile'));
      } catch (err) {
        finish(err);
      }
    };
    // Small files usually go in the first call, with no watch at all. `socketFd` is safe to use here,
    // in the same turn as the caller took it from the open socket.
    try {
      const state = burst(socketFd);
      if (offset > start) progressed();
      if (state === 'done') return finish();
    } catch (err) {
      return finish(err);
    }
    signal.addEventListener('abort', onAbort, { once: true });
    try {
      // Level-triggered: it calls back while the socket has room, so each callback fills it again.
      watch = sys.watchWritable(socketFd, pump);
    } catch (err) {
      finish(err); // no descriptor left to duplicate (EMFILE), say
    }
  });
}
