// A pass-through stream that reports how many bytes went by (for STAT during a transfer and logs).
import { PassThrough, type Transform } from 'node:stream';

export function byteCounter(progress: (bytes: number) => void): Transform {
  return new PassThrough({
    transform(chunk: Buffer, _encoding, done) {
      progress(chunk.length);
      done(null, chunk);
    },
  });
}
