// A Writable that hashes (and optionally keeps) what it receives: the download target of transfer
// tests. `delayMs` makes it a slow reader, so a transfer is still running when a test aborts it.
import { createHash } from 'node:crypto';
import { Writable } from 'node:stream';

export interface HashSinkOptions {
  /** Keep the bytes (default false: only hash and count them). */
  keep?: boolean;
  /** Wait this long before accepting each chunk. */
  delayMs?: number;
}

export class HashSink extends Writable {
  bytes = 0;
  private readonly hash = createHash('sha256');
  private readonly chunks: Buffer[] = [];

  constructor(private readonly sinkOptions: HashSinkOptions = {}) {
    super({ highWaterMark: 16 * 1024 });
  }

  /** Hex SHA-256 of everything written so far. */
  get sha256(): string {
    return this.hash.copy().digest('hex');
  }

  /** The bytes written (only with `keep: true`). */
  get data(): Buffer {
    return Buffer.concat(this.chunks);
  }

  override _write(chunk: Buffer, _encoding: BufferEncoding, callback: (error?: Error | null) => void): void {
    this.bytes += chunk.length;
    this.hash.update(chunk);
    if (this.sinkOptions.keep) this.chunks.push(chunk);
    if (this.sinkOptions.delayMs) setTimeout(() => callback(), this.sinkOptions.delayMs);
    else callback();
  }
}
