// Uploads into a local file. Chunks from the connection (16 KiB under TLS) are copied into two
// pooled 1 MiB buffers that take turns: one fills while the other is written, so the disk and the
// network overlap, each write is one large system call, and every chunk dies young. Streaming the
// chunks through a write stream kept a megabyte of them alive across scavenges, promoting them, and
// V8 then ran a major GC every few dozen megabytes (BENCHMARKS.md).
import { write } from 'node:fs';
import type { Readable } from 'node:stream';
import { acquireTransferBuffer, releaseTransferBuffer, TRANSFER_BUFFER_SIZE } from '../buffer-pool.js';

/**
 * Copy `source` into the open descriptor `fd`, from `position` (null: the file's own offset, as for
 * O_APPEND); resolves with the byte count once everything is written. On failure (source error,
 * abort, write error) it rejects only after any write in flight has finished, so the caller may
 * close `fd` at once. The descriptor stays open either way.
 */
export function streamToFile(source: Readable, fd: number, position: number | null, signal?: AbortSignal): Promise<number> {
  return new Promise((resolve, reject) => {
    const buffers = [acquireTransferBuffer(), acquireTransferBuffer()] as const;
    let turn: 0 | 1 = 0; // the buffer being filled
    let filled = 0;
    let writing = false; // the other buffer is being written
    let held: Buffer | undefined; // rest of a chunk that found both buffers busy
    let total = 0;
    let sourceEnded = false;
    let failure: unknown;
    let settled = false;

    const settle = (): void => {
      if (settled || writing) return; // a write in flight still uses a buffer: settle when it lands
      settled = true;
      source.off('data', onData).off('end', onEnd).off('error', fail);
      signal?.removeEventListener('abort', onAbort);
      for (const buffer of buffers) releaseTransferBuffer(buffer);
      if (failure === undefined) resolve(total);
      else reject(failure);
    };
    const fail = (err: unknown): void => {
      failure ??= err;
      source.pause();
      settle();
    };
    const onAbort = (): void => fail(signal!.reason);

    /** Copy as much of `chunk` as fits; returns what is left when both buffers are busy. */
    const take = (chunk: Buffer): Buffer | undefined => {
      let offset = 0;
      while (offset < chunk.length) {
        if (filled === TRANSFER_BUFFER_SIZE) {
          if (writing) return chunk.subarray(offset);
          flush();
        }
        const copied = chunk.copy(buffers[turn], filled, offset);
        filled += copied;
        offset += copied;
      }
      return undefined;
    };

    const flush = (): void => {
      const buffer = buffers[turn];
      const length = filled;
      turn = turn === 0 ? 1 : 0;
      filled = 0;
      writing = true;
      writeAll(fd, buffer, length, position, (err) => {
        writing = false;
        if (position !== null) position += length;
        if (err) return fail(err);
        if (failure !== undefined) return settle();
        if (held !== undefined) {
          const rest = held;
          held = undefined;
          held = take(rest);
          if (held !== undefined) return; // still waiting for the write just started
        }
        if (sourceEnded) return finish();
        source.resume();
      });
    };

    const finish = (): void => {
      if (writing) return; // the write's callback finishes
      if (filled > 0) return flush();
      settle();
    };

    function onData(chunk: Buffer): void {
      if (failure !== undefined) return;
      total += chunk.length;
      if (held !== undefined) {
        held = Buffer.concat([held, chunk]); // arrived while pausing: keep the order
        return;
      }
      held = take(chunk);
      if (held !== undefined) source.pause();
    }
    function onEnd(): void {
      sourceEnded = true;
      if (held === undefined) finish();
    }

    if (signal?.aborted) return fail(signal.reason);
    signal?.addEventListener('abort', onAbort, { once: true });
    source.on('data', onData).once('end', onEnd).once('error', fail);
  });
}

/** fs.write until `length` bytes are down (a regular file takes them all at once but for errors). */
function writeAll(fd: number, buffer: Buffer, length: number, position: number | null, done: (err: Error | null) => void): void {
  let offset = 0;
  const next = (): void => {
    write(fd, buffer, offset, length - offset, position === null ? null : position + offset, (err, written) => {
      if (err) return done(err);
      offset += written;
      if (offset < length) next();
      else done(null);
    });
  };
  next();
}
