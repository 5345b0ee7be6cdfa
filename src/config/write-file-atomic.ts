// Writes a file so readers see the old content or the new, never half: a temporary file in the same
// folder (created with the final mode, fsynced), then rename. Optionally keeps the previous version.
import { randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { FerryError } from '../errors/ferry-error.js';

export interface AtomicWriteOptions {
  /** File mode of the new file (and the backup); default 0600, as these files may hold secrets. */
  mode?: number;
  /** Copy the current file here first (atomically too), so the previous version survives the edit. */
  backup?: string;
}

export async function writeFileAtomic(file: string, content: string, options: AtomicWriteOptions = {}): Promise<void> {
  const mode = options.mode ?? 0o600;
  try {
    if (options.backup) {
      const previous = await fs.readFile(file).catch((err: NodeJS.ErrnoException) => {
        if (err.code === 'ENOENT') return undefined;
        throw err;
      });
      if (previous !== undefined) await replace(options.backup, previous, mode);
    }
    await replace(file, content, mode);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const message = `${file}: cannot write: ${(err as Error).message}`;
    if (code === 'EACCES' || code === 'EPERM' || code === 'EROFS') throw new FerryError('PERMISSION_DENIED', message, { cause: err });
    if (code === 'ENOSPC' || code === 'EDQUOT') throw new FerryError('NO_SPACE', message, { cause: err });
    throw err;
  }
}

async function replace(file: string, content: string | Buffer, mode: number): Promise<void> {
  const dir = path.dirname(file);
  await fs.mkdir(dir, { recursive: true });
  const tmp = path.join(dir, `.${path.basename(file)}.${randomBytes(6).toString('hex')}.tmp`);
  try {
    // 'wx': never reuses or follows a file planted under the temporary name; created with the final mode.
    const handle = await fs.open(tmp, 'wx', mode);
    try {
      await handle.writeFile(content);
      await handle.chmod(mode); // the umask may have removed bits
      await handle.sync();
    } finally {
      await handle.close();
    }
    await fs.rename(tmp, file);
  } catch (err) {
    await fs.rm(tmp, { force: true }).catch(() => undefined);
    throw err;
  }
}
