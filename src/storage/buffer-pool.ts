// Reused transfer buffers. A download that allocated a fresh 1 MiB buffer per read made V8 count
// a GiB of external memory per GiB sent and run a major GC every few dozen MiB (and once every few
// dozen small files): a quarter of the server's CPU in the benchmarks. Pooled buffers cost nothing.

/** 1 MiB: ~35% less CPU per GiB than 256 KiB reads on plain downloads (BENCHMARKS.md). */
export const TRANSFER_BUFFER_SIZE = 1024 * 1024;
/** Free buffers kept for the next transfers; more are simply left to the GC. */
const MAX_FREE = 8;

const free: Buffer[] = [];

export function acquireTransferBuffer(): Buffer {
  return free.pop() ?? Buffer.allocUnsafeSlow(TRANSFER_BUFFER_SIZE);
}

/** Only once nothing (no socket write in flight) refers to `buffer` any more. */
export function releaseTransferBuffer(buffer: Buffer): void {
  if (free.length < MAX_FREE && buffer.length === TRANSFER_BUFFER_SIZE) free.push(buffer);
}
