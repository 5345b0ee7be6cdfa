// What every backend's FileReader shares: iteration in terms of readInto, closing when done.
import type { FileReader } from './storage.js';

// Iterated reads (ASCII mode, tests) are small and fresh: each chunk is handed over for good.
const ITERATION_CHUNK = 64 * 1024;

export abstract class FileReaderBase implements FileReader {
  abstract readonly size: number;
  abstract readInto(buffer: Buffer): Promise<number>;
  abstract close(): Promise<void>;

  async *[Symbol.asyncIterator](): AsyncIterator<Buffer> {
    try {
      for (;;) {
        const chunk = Buffer.allocUnsafe(ITERATION_CHUNK);
        const n = await this.readInto(chunk);
        if (n === 0) return;
        yield chunk.subarray(0, n);
      }
    } finally {
      await this.close();
    }
  }
}
