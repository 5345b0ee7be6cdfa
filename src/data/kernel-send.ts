// Plain binary downloads through sendfile(2), as vsftpd and ProFTPD send files: the kernel moves the
// file's pages into the socket, with no copy through Ferry's buffers. Node has no sendfile, so a
// small native module (native/, built by `npm install`) provides the system call, a writability
// watch and download threads (native.ts); without it (not built, not Linux) downloads read into
// Ferry's buffers (send-file.ts).
import type { Socket } from 'node:net';
import { constants } from 'node:os';
import { native, systemError, type FerryNative } from './native.js';
import { closedError, followThread, keepAlive, ThreadLimit, type StartThread } from './transfer-thread.js';

/** Whether this process can send files with sendfile(2) (the native module is built and loaded). */
export const kernelSendAvailable = native !== undefined;
/** Whether downloads can go on threads of their own (a helper built before them lacks it). */
export const kernelSendThreadsAvailable = typeof native?.sendFromFile === 'function';

const downloadThreads = new ThreadLimit();

/**
 * Bytes handed to the kernel per call on the event loop. A socket takes at most its free buffer
 * space per call anyway; this bounds the first call for a file that is still being written to.
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
  /** Called with the bytes sent so far, after each burst (on a thread: every 4 MiB or quarter second). */
  onProgress(bytes: number): void;
  /**
   * How many downloads may each go on a thread of their own at once (storage.downloadThreads): a
   * file that fills the socket in its first burst continues on one when one is free. 0 or unset:
   * the event loop sends it all, waiting for room with a writability watch.
   */
  threads?: number;
}

/**
 * Send the file from `start` to its end (as it is when the end is reached, like a read loop) with
 * sendfile(2); resolves with the bytes sent. The socket is corked meanwhile (TCP_CORK, as ProFTPD
 * does): only full segments go out, and the last one when it is uncorked, before this settles. Keeps
 * the socket's idle timeout alive while bytes move, since Node's socket does not see them. Rejects
 * with a system error (EPIPE, ECONNRESET, EIO...) or the signal's reason. The caller ends the socket.
 */
export async function sendWithKernel(options: KernelSendOptions): Promise<number> {
  const sys = native;
  if (!sys) throw new Error('sendfile is not available in this process');
  const { socket, socketFd, fileFd, start, signal, onProgress } = options;
  signal.throwIfAborted();
  sys.tcpCork(socketFd, true); // best effort: a socket that refuses still sends, segment by segment
  // Small files usually go in the first call, with no watch or thread at all. `socketFd` is safe to
  // use here, in the same turn as the caller took it from the open socket.
  let first: Burst;
  try {
    first = burst(sys, socketFd, fileFd, start);
  } catch (err) {
    sys.tcpCork(socketFd, false);
    throw err;
  }
  const sent = first.offset - start;
  if (sent > 0) {
    onProgress(sent);
    keepAlive(socket);
  }
  if (first.state === 'done') {
    sys.tcpCork(socketFd, false);
    return sent;
  }
  const release = kernelSendThreadsAvailable && options.threads ? downloadThreads.claim(options.threads) : undefined;
  if (!release) return sent + (await sendOnEventLoop(sys, options, first.offset));
  try {
    return sent + (await sendOnThread(sys, options, first.offset, sent));
  } finally {
    release();
  }
}

interface Burst {
  /** 'done' at the end of the file, 'full' when the socket is full, 'more' when the turn's share is sent. */
  state: 'done' | 'full' | 'more';
  /** Where the next byte comes from. */
  offset: number;
}

/** Sends one turn's worth of the file from `offset` to `out`; throws the system call's error. */
function burst(sys: FerryNative, out: number, fileFd: number, offset: number): Burst {
  const limit = offset + TURN_BYTES;
  while (offset < limit) {
    const n = sys.sendfile(out, fileFd, offset, CALL_BYTES);
    if (n > 0) {
      offset += n;
      continue;
    }
    if (n === 0) return { state: 'done', offset };
    if (n === -constants.errno.EAGAIN) return { state: 'full', offset };
    throw systemError(n, 'sendfile');
  }
  return { state: 'more', offset };
}

/**
 * The rest from `from` on the event loop: a burst each time a writability watch says the socket has
 * room. Resolves with the bytes this part sent.
 */
function sendOnEventLoop(sys: FerryNative, options: KernelSendOptions, from: number): Promise<number> {
  const { socket, socketFd, fileFd, start, signal, onProgress } = options;
  let offset = from;
  return new Promise<number>((resolve, reject) => {
    let watch: { fd: number; close(): void } | undefined;
    let settled = false;
    const finish = (err?: unknown): void => {
      if (settled) return;
      settled = true;
      // Without a watch, finish runs in the turn that took socketFd from the open socket.
      if (!socket.destroyed) sys.tcpCork(watch?.fd ?? socketFd, false);
      watch?.close();
      signal.removeEventListener('abort', onAbort);
      if (err === undefined) resolve(offset - from);
      else reject(err instanceof Error ? err : new Error(String(err)));
    };
    const onAbort = (): void => finish(signal.reason);
    const pump = (status: number): void => {
      if (settled || !watch) return;
      // Node closed the socket meanwhile (an error, or the peer's FIN): a connection error, as a write would be.
      if (socket.destroyed) return finish(closedError());
      try {
        // To the watch's duplicate: the original descriptor number may already be closed, even reused.
        const next = burst(sys, watch.fd, fileFd, offset);
        if (next.offset > offset) {
          offset = next.offset;
          onProgress(offset - start);
          keepAlive(socket);
        }
        if (next.state === 'done') finish();
        // libuv stops a watch whose socket reported an error: one that is still full is done for.
        else if (next.state === 'full' && status < 0) finish(systemError(status, 'sendfile'));
      } catch (err) {
        finish(err);
      }
    };
    signal.addEventListener('abort', onAbort, { once: true });
    try {
      // Level-triggered: it calls back while the socket has room, so each callback fills it again.
      watch = sys.watchWritable(socketFd, pump);
    } catch (err) {
      finish(err); // no descriptor left to duplicate (EMFILE), say
    }
  });
}

/**
 * The rest from `from` on a thread of its own (native/kernel-send.c), which waits for room in
 * poll() and reports progress; the thread uncorks the socket at its end. Resolves with the bytes
 * this part sent; `before` were sent already (progress counts them too).
 */
function sendOnThread(sys: FerryNative, options: KernelSendOptions, from: number, before: number): Promise<number> {
  const { socket, socketFd, fileFd, signal, onProgress } = options;
  const start: StartThread = (callback) => sys.sendFromFile(socketFd, fileFd, from, callback);
  return followThread(socket, signal, 'sendfile', start, (bytes) => onProgress(before + bytes));
}
