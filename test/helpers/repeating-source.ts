// Large test payloads without large allocations: one random block repeated up to a total size,
// streamed, with its SHA-256 computed the same way. Cheap enough for 50 MiB transfers.
import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';

/** A stream of `total` bytes made of `block` repeated (the last copy cut short). */
export function repeatingSource(block: Buffer, total: number): Readable {
  let sent = 0;
  return new Readable({
    read() {
      if (sent >= total) return void this.push(null);
      const piece = block.subarray(0, Math.min(block.length, total - sent));
      sent += piece.length;
      this.push(piece);
    },
  });
}

/** Hex SHA-256 of what repeatingSource(block, total) produces. */
export function repeatingSha256(block: Buffer, total: number): string {
  const hash = createHash('sha256');
  for (let sent = 0; sent < total; sent += block.length) hash.update(block.subarray(0, Math.min(block.length, total - sent)));
  return hash.digest('hex');
}
