// Ferry's optional native helper (native/, N-API, built by `npm install`): the system calls Node does
// not expose, for plain FTP transfers. Linux only; where it is missing, transfers copy through
// Ferry's own buffers.
import { createRequire } from 'node:module';
import { getSystemErrorName } from 'node:util';

export interface FerryNative {
  /** Bytes sent (0 at the end of the file), or -errno (-EAGAIN: the socket is full). */
  sendfile(outFd: number, inFd: number, offset: number, count: number): number;
  /**
   * Calls back (0, or -errno on a socket error, after which it has stopped) whenever the socket has
   * room, until closed. `fd` is the watch's own duplicate of the socket, open until close().
   */
  watchWritable(fd: number, callback: (status: number) => void): { fd: number; close(): void };
  /** Sets TCP_CORK when `on` is given; returns the setting then in force (0 or 1), or -errno. */
  tcpCork(fd: number, on?: boolean): number;
  /**
   * Reads the socket on a new thread until the peer's end, writing everything to `fileFd` (from
   * `position`, or at the file's offset when -1). `callback(1, bytes)` reports progress,
   * `callback(0, bytes)` the end, `callback(-errno, bytes)` a failure (-ECANCELED after cancel()).
   * The thread reads a duplicate of the socket; `fileFd` must stay open until the end is reported.
   */
  receiveToFile(socketFd: number, fileFd: number, position: number, callback: (status: number, bytes: number) => void): { cancel(): void };
  /**
   * Sends `fileFd` from `position` to its end through the socket on a new thread (sendfile, corked;
   * uncorked at the end). `callback(1, bytes)` reports progress, `callback(0, bytes)` the end,
   * `callback(-errno, bytes)` a failure (-ECANCELED after cancel()). The thread writes to a duplicate
   * of the socket; `fileFd` must stay open, and nothing else write to the socket, until the end.
   */
  sendFromFile(socketFd: number, fileFd: number, position: number, callback: (status: number, bytes: number) => void): { cancel(): void };
}

function loadNative(): FerryNative | undefined {
  if (process.platform !== 'linux') return undefined;
  try {
    return createRequire(import.meta.url)('../../native/build/Release/ferry_native.node') as FerryNative;
  } catch {
    return undefined;
  }
}

/** The helper, or undefined when it is not built (or not Linux). */
export const native = loadNative();

/** A Node-style system error for a helper's -errno result. */
export function systemError(negativeErrno: number, syscall: string): NodeJS.ErrnoException {
  const code = getSystemErrorName(negativeErrno);
  const err: NodeJS.ErrnoException = new Error(`${syscall} failed: ${code}`);
  err.code = code;
  err.errno = negativeErrno;
  err.syscall = syscall;
  return err;
}
