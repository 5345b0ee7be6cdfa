// Data connections read straight into the caller's buffers (Node's `onread`), for uploads: Node takes
// `onread` only for sockets it creates and TLS sockets it connects itself, so these two hand it to an
// accepted connection and to a server-side TLS socket.
import net from 'node:net';
import type tls from 'node:tls';
import type { ReadHooks } from './receive-file.js';

/**
 * The accepted passive connection again, as a socket that reads into `onread`'s buffers. Node takes
 * `onread` only when it creates a socket, and a net.Server creates its sockets itself; so the
 * still-paused connection (pauseOnConnect) moves to a new socket, and the old one, left without a
 * handle, is destroyed (which also settles the listener's connection count). Where this Node lacks
 * what that needs, the connection stays as it is and is read through 'data' events.
 */
export function readingInto(accepted: net.Socket, onread: ReadHooks): net.Socket {
  const internals = accepted as unknown as { _handle: { useUserBuffer?: unknown; reading?: boolean } | null };
  const handle = internals._handle;
  if (typeof handle?.useUserBuffer !== 'function' || handle.reading) return accepted;
  internals._handle = null;
  accepted.destroy();
  const socket = new net.Socket({ handle, onread } as net.SocketConstructorOpts);
  socket.on('error', () => {}); // reported through the transfer pipeline
  return socket;
}

/**
 * Have a TLS socket hand its decrypted bytes to `onread` instead of emitting them as 'data'. Node
 * takes `onread` only for a TLS socket it connects itself, so this sets what net.Socket's constructor
 * sets for that option (its three symbol-keyed fields) and points the TLS layer at the first buffer,
 * before the handshake, so no byte of the upload goes the other way. Where this Node lacks any of
 * that, the socket stays as it is (false) and is read through 'data' events.
 */
export function tlsReadingInto(socket: tls.TLSSocket, onread: ReadHooks): boolean {
  const handle = (socket as unknown as { _handle: { useUserBuffer?: (buffer: Uint8Array) => void } | null })._handle;
  const field = (name: string): symbol | undefined => Object.getOwnPropertySymbols(socket).find((symbol) => symbol.description === name);
  const [kBuffer, kBufferCb, kBufferGen] = [field('kBuffer'), field('kBufferCb'), field('kBufferGen')];
  if (typeof handle?.useUserBuffer !== 'function' || !kBuffer || !kBufferCb || !kBufferGen) return false;
  const fields = socket as unknown as Record<symbol, unknown>;
  if (fields[kBuffer] != null || fields[kBufferCb] != null || fields[kBufferGen] != null) return false;
  const first = onread.buffer();
  fields[kBuffer] = first;
  fields[kBufferCb] = onread.callback;
  fields[kBufferGen] = onread.buffer;
  handle.useUserBuffer(first);
  return true;
}
