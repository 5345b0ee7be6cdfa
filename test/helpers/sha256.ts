// SHA-256 digests (hex) of buffers and files, for tests that compare transferred bytes.
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';

export function sha256(data: Buffer | string): string {
  return createHash('sha256').update(data).digest('hex');
}

/** Streams the file, so a 50 MiB file is never read into memory whole. */
export async function sha256File(path: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}
