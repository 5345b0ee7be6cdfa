// TYPE A (RFC 959 section 3.1.1.1): NVT-ASCII on the wire uses CRLF line ends. Downloads turn bare LF
// into CRLF; uploads turn CRLF into LF. A CR at a chunk's end is held until the next chunk decides.
import { Transform, type TransformCallback } from 'node:stream';

const CR = 0x0d;
const LF = 0x0a;

/** Local (LF) -> network (CRLF), for RETR/LIST in ASCII mode. */
export function toNetworkAscii(): Transform {
  let lastWasCr = false;
  return new Transform({
    transform(chunk: Buffer, _enc, done: TransformCallback) {
      let start = 0;
      const pieces: Buffer[] = [];
      for (let i = 0; i < chunk.length; i++) {
        const byte = chunk[i];
        if (byte === LF && !(i === 0 ? lastWasCr : chunk[i - 1] === CR)) {
          pieces.push(chunk.subarray(start, i), CRLF);
          start = i + 1;
        }
      }
      pieces.push(chunk.subarray(start));
      if (chunk.length > 0) lastWasCr = chunk[chunk.length - 1] === CR;
      done(null, pieces.length === 1 ? chunk : Buffer.concat(pieces));
    },
  });
}

/** Network (CRLF) -> local (LF), for STOR/APPE in ASCII mode. */
export function fromNetworkAscii(): Transform {
  let heldCr = false;
  return new Transform({
    transform(chunk: Buffer, _enc, done: TransformCallback) {
      const pieces: Buffer[] = [];
      let start = 0;
      if (heldCr) {
        heldCr = false;
        if (chunk[0] !== LF) pieces.push(CR_ONLY);
      }
      for (let i = 0; i < chunk.length; i++) {
        if (chunk[i] !== CR) continue;
        if (i + 1 === chunk.length) {
          pieces.push(chunk.subarray(start, i));
          start = chunk.length;
          heldCr = true;
        } else if (chunk[i + 1] === LF) {
          pieces.push(chunk.subarray(start, i));
          start = i + 1;
        }
      }
      pieces.push(chunk.subarray(start));
      done(null, Buffer.concat(pieces));
    },
    flush(done: TransformCallback) {
      done(null, heldCr ? CR_ONLY : undefined);
    },
  });
}

const CRLF = Buffer.from('\r\n');
const CR_ONLY = Buffer.from('\r');
