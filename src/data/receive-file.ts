// Uploads on the event loop (TLS, ASCII, and plain ones beyond storage.uploadThreads or without the
// native helper; the others each go to a thread of their own, kernel-receive.ts): the data
// connection's bytes are gathered into two pooled 1 MiB buffers that take turns, one filling from the
// network while storage writes the other. A binary connection reads straight into them through
// Node's `onread` hooks (DataChannel.open). Plain: reads of up to 1 MiB instead of
// libuv's 64 KiB into fresh memory, and fewer loopback ACK rounds in the kernel; together about half
// the server CPU per GiB (BENCHMARKS.md). TLS: each decrypted record lands in place, not in a fresh
// 16 KiB buffer that is then copied. ASCII streams (and a Node without the hooks) copy their chunks
// in, so storage still writes in large pieces.
import type { Readable } from 'node:stream';
import { FerryError } from '../errors/ferry-error.js';
import { acquireTransferBuffer, releaseTransferBuffer } from '../storage/buffer-pool.js';

/** A waiting writer gets a chunk once this much has arrived (or the buffer is full, or the upload ended). */
const MIN_CHUNK = 256 * 1024;

/** Node's `onread` option for a socket: where the next read goes, and what arrived. */
export interface ReadHooks {
  buffer(): Uint8Array;
  /** `bytes` landed at the start of the last `buffer()`; false pauses reading. */
  callback(bytes: number, buf: Uint8Array): boolean;
}

/**
 * Hooks for each kind of data connection. A TLS socket keeps handing over the records it already
 * decrypted after its reader said stop, so its hooks never point into a buffer the writer may hold.
 */
export interface ReadTargets {
  plain: ReadHooks;
  tls: ReadHooks;
}

/**
 * Where a TLS record goes while the filling buffer is full (or earlier overflow still waits): it is
 * copied out (into `overflow`) before the callback returns, so one buffer serves every upload.
 * Node decrypts at most 16 KiB per call.
 */
const SPILL = Buffer.allocUnsafe(16 * 1024);

type Waiter = { resolve(result: IteratorResult<Uint8Array>): void; reject(err: unknown): void };

/**
 * The bytes of one upload as chunks for `Storage.write`. A chunk stays valid until the next one is
 * asked for; then its buffer is filled again. Create it before the data connection opens (its
 * `onread` hooks go to DataChannel.open), then `attach` the socket or the ASCII-converted stream.
 */
export class UploadReceiver implements AsyncIterable<Uint8Array> {
  /** Taken from the pool when first needed: a STOR whose data connection never comes holds none. */
  private readonly buffers: [Buffer | undefined, Buffer | undefined] = [undefined, undefined];
  /** buffers[filling] takes the next bytes; the writer holds buffers[1 - filling] between its requests. */
  private filling: 0 | 1 = 0;
  private filled = 0;
  private holding = false;
  private waiter: Waiter | undefined;
  private source: Readable | undefined;
  private paused = false;
  /** Bytes that did not fit while both buffers were busy, in order: copied in once one is free. */
  private overflow: Buffer[] = [];
  private ended = false;
  private closed = false;
  private failure: unknown;
  /** The writer has taken its last chunk (the end, an error, or it stopped). */
  private finished = false;
  private released = false;

  readonly onread: ReadTargets = {
    plain: {
      // While reading is paused on a full buffer, the next read goes to the other one: the writer
      // gives it back before reading resumes, and a plain socket reads nothing until then.
      buffer: () => (this.filled === this.current.length ? this.buffer(this.filling === 0 ? 1 : 0) : this.current.subarray(this.filled)),
      callback: (bytes) => {
        this.filled += bytes;
        return this.landed();
      },
    },
    tls: {
      // The first record goes to SPILL too: the pooled buffers are taken when bytes arrive, not when
      // the handshake starts (a data connection that fails it holds none).
      buffer: () => {
        const current = this.buffers[this.filling];
        return current !== undefined && this.filled < current.length && this.overflow.length === 0 ? current.subarray(this.filled) : SPILL;
      },
      callback: (bytes, buf) => {
        if (buf !== SPILL) {
          this.filled += bytes;
          return this.landed();
        }
        this.absorb(SPILL.subarray(0, bytes), true);
        return !this.paused;
      },
    },
  };

  /**
   * Start taking bytes from `source`: the data connection (read through `onread` when DataChannel
   * could set that up, through 'data' events otherwise) or a stream converting it. `connection` is
   * the data connection itself, checked for a reset when the source ends.
   */
  attach(source: Readable, connection: Readable, signal: AbortSignal): void {
    this.source = source;
    source.on('data', (chunk: Buffer) => this.absorb(chunk));
    source.once('end', () => {
      if (connectionWasReset(connection)) this.fail(Object.assign(new Error('data connection reset'), { code: 'ECONNRESET' }));
      else this.end();
    });
    source.once('error', (err) => this.fail(err));
    source.once('close', () => {
      this.closed = true;
      if (!this.ended) this.fail(Object.assign(new Error('data connection closed before the end'), { code: 'ERR_STREAM_PREMATURE_CLOSE' }));
      this.releaseWhenIdle();
    });
    if (connection !== source) connection.once('close', () => ((this.closed = true), this.releaseWhenIdle()));
    if (signal.aborted) this.fail(signal.reason);
    else signal.addEventListener('abort', () => this.fail(signal.reason), { once: true });
    source.resume();
  }

  [Symbol.asyncIterator](): AsyncIterator<Uint8Array> {
    return {
      next: () => this.next(),
      return: () => {
        this.holding = false;
        this.finished = true;
        this.releaseWhenIdle();
        return Promise.resolve({ value: undefined, done: true });
      },
    };
  }

  private get current(): Buffer {
    return this.buffer(this.filling);
  }

  private buffer(index: 0 | 1): Buffer {
    return (this.buffers[index] ??= acquireTransferBuffer());
  }

  private next(): Promise<IteratorResult<Uint8Array>> {
    this.holding = false; // the writer is done with its last chunk
    if (this.failure !== undefined) {
      this.finished = true;
      this.releaseWhenIdle();
      return Promise.reject(this.failure);
    }
    if (this.filled > 0 && (this.ended || this.filled === this.current.length)) {
      const chunk = this.take();
      if (this.overflow.length > 0) {
        const waiting = this.overflow;
        this.overflow = [];
        for (const piece of waiting) this.absorb(piece, false);
      }
      if (this.paused && this.filled < this.current.length) {
        this.paused = false;
        this.source?.resume();
      }
      return Promise.resolve({ value: chunk, done: false });
    }
    if (this.ended) {
      this.finished = true;
      this.releaseWhenIdle();
      return Promise.resolve({ value: undefined, done: true });
    }
    return new Promise((resolve, reject) => (this.waiter = { resolve, reject }));
  }

  /**
   * Copy `chunk` in: a 'data' chunk, a TLS record that landed in SPILL (`transient`: copied before
   * it is kept), or overflow. What does not fit waits in `overflow`, and reading pauses.
   */
  private absorb(chunk: Buffer, transient = false): void {
    for (let offset = 0; offset < chunk.length; ) {
      if (this.filled === this.current.length || this.overflow.length > 0) {
        const rest = chunk.subarray(offset);
        this.overflow.push(transient ? Buffer.from(rest) : rest);
        this.paused = true;
        this.source?.pause();
        return;
      }
      const n = chunk.copy(this.current, this.filled, offset);
      this.filled += n;
      offset += n;
      this.landed();
    }
  }

  /** Bytes arrived in the filling buffer: hand them to a waiting writer, or say whether to read on. */
  private landed(): boolean {
    const full = this.filled === this.current.length;
    if (this.waiter !== undefined && (full || this.filled >= MIN_CHUNK)) {
      const waiter = this.waiter;
      this.waiter = undefined;
      waiter.resolve({ value: this.take(), done: false });
      return true;
    }
    if (full) this.paused = true;
    return !full;
  }

  /** The filled part of the filling buffer goes to the writer; the other buffer (free now) fills next. */
  private take(): Uint8Array {
    const chunk = this.current.subarray(0, this.filled);
    this.filling = this.filling === 0 ? 1 : 0;
    this.filled = 0;
    this.holding = true;
    return chunk;
  }

  private end(): void {
    this.ended = true;
    const waiter = this.waiter;
    if (waiter === undefined) return;
    this.waiter = undefined;
    if (this.filled > 0) return waiter.resolve({ value: this.take(), done: false });
    this.finished = true;
    waiter.resolve({ value: undefined, done: true });
    this.releaseWhenIdle();
  }

  private fail(err: unknown): void {
    if (this.failure !== undefined || this.ended) return;
    this.failure = err ?? new FerryError('TRANSFER_ABORTED', 'upload aborted');
    const waiter = this.waiter;
    this.waiter = undefined;
    if (waiter === undefined) return;
    this.finished = true;
    waiter.reject(this.failure);
    this.releaseWhenIdle();
  }

  /**
   * Back to the pool only once nothing can write into the buffers (the connection ended or closed,
   * so no read lands there) and the writer will not read them again (it has finished): another
   * session's data never mixes in, and nothing of this upload is overwritten.
   */
  private releaseWhenIdle(): void {
    if (this.released || this.holding || !this.finished || !(this.ended || this.closed)) return;
    this.released = true;
    for (const buffer of this.buffers) if (buffer !== undefined) releaseTransferBuffer(buffer);
  }
}

/**
 * True when the connection was reset rather than closed. libuv reports a reset that follows a short
 * read as a plain end of file (it skips the read that would return ECONNRESET when the peer hung up),
 * which would commit a truncated upload; a reset socket has no peer address any more (ENOTCONN),
 * while one the client closed normally keeps it.
 */
function connectionWasReset(connection: Readable): boolean {
  const handle = (connection as { _handle?: { getpeername?: (out: object) => number } | null })._handle;
  if (typeof handle?.getpeername !== 'function') return false;
  return handle.getpeername({}) !== 0;
}
