// A local file opened for a download: positional reads into the caller's buffer, on one descriptor.
import { closeSync, read, readSync } from 'node:fs';
import { FileReaderBase } from '../file-reader-base.js';

/**
 * Reads up to this size happen synchronously, like the open and fstat before them: a small file
 * from a local disk's cache takes microseconds, less than the thread-pool round trip (measured on
 * the small-files bench).
 */
const SYNC_READ_MAX = 64 * 1024;

export class LocalFileReader extends FileReaderBase {
  private position: number;
  private closing: Promise<void> | undefined;
  /** The read in flight: close waits for it, so the descriptor number is never reused under it. */
  private reading: Promise<number> | undefined;

  /** Takes ownership of `fd`. */
  constructor(
    private readonly fd: number,
    readonly size: number,
    start: number,
    private readonly signal: AbortSignal | undefined,
  ) {
    super();
    this.position = start;
  }

  get descriptor(): { fd: number; position: number } | undefined {
    return this.closing ? undefined : { fd: this.fd, position: this.position };
  }

  readInto(buffer: Buffer): Promise<number> {
    const reading = new Promise<number>((resolve, reject) => {
      if (this.signal?.aborted) return reject(this.signal.reason as Error);
      if (this.closing) return reject(new Error('read after close'));
      if (buffer.length <= SYNC_READ_MAX) {
        const bytesRead = readSync(this.fd, buffer, 0, buffer.length, this.position);
        this.position += bytesRead;
        return resolve(bytesRead);
      }
      read(this.fd, buffer, 0, buffer.length, this.position, (err, bytesRead) => {
        if (err) return reject(err);
        this.position += bytesRead;
        resolve(bytesRead);
      });
    });
    this.reading = reading;
    return reading;
  }

  close(): Promise<void> {
    const settled = this.reading?.then(undefined, () => 0);
    this.closing ??= (async () => {
      await settled;
      // Synchronous, like the open: closing a local file that was only read takes microseconds.
      closeSync(this.fd);
    })();
    return this.closing;
  }
}
