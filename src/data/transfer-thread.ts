// What plain uploads (kernel-receive.ts) and downloads (kernel-send.ts) on threads of their own
// (native/transfer-thread.c) share on the JavaScript side: the count against their limit, and
// following a thread to its end while the socket's idle timer, the abort signal and Node's close
// of the socket keep working.
import type { Socket } from 'node:net';
import { constants } from 'node:os';
import { systemError } from './native.js';

/** Counts one kind of transfer thread (uploads, downloads) against its configured limit. */
export class ThreadLimit {
  private running = 0;

  /** Claim a thread; returns its release (call it once), or undefined when `limit` are running. */
  claim(limit: number): (() => void) | undefined {
    if (this.running >= limit) return undefined;
    this.running++;
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.running--;
    };
  }
}

/** The error of a transfer whose socket Node closed under it, as a write to it would fail. */
export function closedError(): Error {
  return Object.assign(new Error('data connection closed'), { code: 'ERR_STREAM_DESTROYED' });
}

/** Re-arms the socket's idle timer (set by the transfer), which only counts Node's own reads and writes. */
export function keepAlive(socket: Socket): void {
  if (socket.timeout && !socket.destroyed) socket.setTimeout(socket.timeout);
}

/** Starts a native transfer thread that reports to `callback(status, bytes)`: 1 progress, 0 the end, -errno a failure. */
export type StartThread = (callback: (status: number, bytes: number) => void) => { cancel(): void };

/**
 * Runs a transfer thread to its end: each report goes to `onProgress` and re-arms the socket's idle
 * timer; the signal's abort and Node's close of the socket cancel the thread. Resolves with the
 * thread's bytes; rejects with the signal's reason, the thread's own error (named `syscall`), or
 * ERR_STREAM_DESTROYED when Node's close cancelled it. Call it in the turn that took the socket's
 * descriptor from the open socket: the thread duplicates it as it starts.
 */
export function followThread(socket: Socket, signal: AbortSignal, syscall: string, start: StartThread, onProgress: (bytes: number) => void): Promise<number> {
  return new Promise<number>((resolve, reject) => {
    let closedUnderIt = false;
    const cancel = (): void => thread.cancel();
    // The thread holds a duplicate of the socket: the connection stays open until the thread lets go.
    const onClose = (): void => {
      closedUnderIt = true;
      thread.cancel();
    };
    const thread = start((status, bytes) => {
      onProgress(bytes);
      keepAlive(socket);
      if (status === 1) return;
      signal.removeEventListener('abort', cancel);
      socket.off('close', onClose);
      if (status === 0) resolve(bytes);
      else if (signal.aborted) reject(signal.reason);
      // The thread's own error (EPIPE, ECONNRESET, ENOSPC) says more than Node's close that cancelled it.
      else if (status !== -constants.errno.ECANCELED || !closedUnderIt) reject(systemError(status, syscall));
      else reject(closedError());
    });
    signal.addEventListener('abort', cancel, { once: true });
    socket.once('close', onClose);
  });
}
