// The files every server serves, in the bench user's home folder: a big file for throughput, a folder
// of small files, and a folder with many entries for listings. Made once and reused when intact.
import { randomBytes } from 'node:crypto';
import { chown, mkdir, open, readdir, rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { BenchPlan } from '../plan.js';

export interface Fixtures {
  /** Paths relative to the home folder, as clients name them. */
  bigFile: string;
  bigUploadSource: string;
  smallDir: string;
  smallNames: string[];
  smallProbe: string;
  listingDir: string;
  uploadName: string;
}

async function sizeOf(file: string): Promise<number> {
  return stat(file).then((s) => s.size, () => -1);
}

async function writeBigFile(file: string, bytes: number): Promise<void> {
  if ((await sizeOf(file)) === bytes) return;
  // Random 1 MiB repeated: incompressible for any layer that would try, and fast to write.
  const block = randomBytes(2 ** 20);
  const handle = await open(file, 'w', 0o644);
  try {
    for (let written = 0; written < bytes; written += block.length) {
      await handle.write(block, 0, Math.min(block.length, bytes - written));
    }
  } finally {
    await handle.close();
  }
}

async function fillFolder(dir: string, count: number, make: (i: number) => { name: string; content: Buffer }, uid: number, gid: number): Promise<string[]> {
  const names = Array.from({ length: count }, (_, i) => make(i).name);
  const present = await readdir(dir).catch(() => [] as string[]);
  if (present.length === count && names.every((n) => present.includes(n))) return names;
  await rm(dir, { recursive: true, force: true });
  await mkdir(dir, { recursive: true });
  await chown(dir, uid, gid);
  for (let i = 0; i < count; i += 256) {
    await Promise.all(
      names.slice(i, i + 256).map(async (name, j) => {
        const file = path.join(dir, name);
        await writeFile(file, make(i + j).content, { mode: 0o644 });
        await chown(file, uid, gid);
      }),
    );
  }
  return names;
}

/** Creates (or checks) the fixtures under `home`, owned by the bench user so the peers can read them. */
export async function ensureFixtures(home: string, plan: BenchPlan, uid: number, gid: number): Promise<Fixtures> {
  await mkdir(home, { recursive: true });
  await chown(home, uid, gid);
  const sizeTag = `${Math.round(plan.bigFileBytes / 2 ** 20)}m`;
  const bigFile = `big-${sizeTag}.bin`;
  await writeBigFile(path.join(home, bigFile), plan.bigFileBytes);
  await chown(path.join(home, bigFile), uid, gid);
  // The upload source lives outside the served folder so no listing or server sees it.
  const bigUploadSource = path.join(path.dirname(home), `upload-source-${sizeTag}.bin`);
  await writeBigFile(bigUploadSource, plan.bigFileBytes);

  const smallDir = `small-${plan.smallFiles}`;
  const content = randomBytes(plan.smallFileBytes);
  const smallNames = await fillFolder(path.join(home, smallDir), plan.smallFiles, (i) => ({ name: `f${i}.bin`, content }), uid, gid);
  const listingDir = `entries-${plan.listingEntries}`;
  const empty = Buffer.alloc(0);
  await fillFolder(path.join(home, listingDir), plan.listingEntries, (i) => ({ name: `entry-${String(i).padStart(6, '0')}.txt`, content: empty }), uid, gid);
  return { bigFile, bigUploadSource, smallDir, smallNames, smallProbe: `${smallDir}/${smallNames[0]}`, listingDir, uploadName: 'upload.bin' };
}
