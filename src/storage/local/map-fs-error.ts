// Turns Node file-system errors (errno codes) into FerryErrors for the local storage backend.
// Public messages never carry host paths; the original error stays in `cause` for the logs.
import { FerryError, type ErrorCode } from '../../errors/ferry-error.js';

const ERRNO_TABLE: Readonly<Record<string, readonly [ErrorCode, string]>> = {
  ENOENT: ['NOT_FOUND', 'No such file or directory'],
  EEXIST: ['ALREADY_EXISTS', 'File exists'],
  ENOTDIR: ['NOT_A_DIRECTORY', 'Not a directory'],
  EISDIR: ['IS_A_DIRECTORY', 'Is a directory'],
  ENOTEMPTY: ['DIRECTORY_NOT_EMPTY', 'Directory not empty'],
  EACCES: ['PERMISSION_DENIED', 'Permission denied'],
  EPERM: ['PERMISSION_DENIED', 'Permission denied'],
  ENOSPC: ['NO_SPACE', 'No space left on device'],
  EDQUOT: ['NO_SPACE', 'Disk quota exceeded'],
  ENAMETOOLONG: ['INVALID_NAME', 'File name too long'],
  EINVAL: ['INVALID_NAME', 'Invalid file name'],
  // O_NOFOLLOW met a symlink at the final component, or a symlink loop: either way we refuse to follow.
  ELOOP: ['PATH_OUTSIDE_ROOT', 'Path leads outside your home folder'],
};

/**
 * Map `err` to a FerryError when it is a known errno (or an abort); anything else is returned
 * unchanged so the server can turn it into a generic failure. `path` is the virtual path, for logs.
 */
export function mapFsError(err: unknown, operation: string, path: string): unknown {
  if (err instanceof FerryError) return err;
  if (err instanceof Error && (err.name === 'AbortError' || (err as NodeJS.ErrnoException).code === 'ABORT_ERR')) {
    return new FerryError('TRANSFER_ABORTED', `${operation} ${path}: aborted`, { cause: err, publicMessage: 'Transfer aborted' });
  }
  const errno = err instanceof Error ? (err as NodeJS.ErrnoException).code : undefined;
  const entry = errno === undefined ? undefined : ERRNO_TABLE[errno];
  if (entry === undefined) return err;
  return new FerryError(entry[0], `${operation} ${path}: ${errno}`, { cause: err, publicMessage: entry[1] });
}

/** For `promise.catch(fsFailure('stat', path))`: rethrows the mapped error. */
export function fsFailure(operation: string, path: string): (err: unknown) => never {
  return (err) => {
    throw mapFsError(err, operation, path);
  };
}

/** The error for anything whose real path leaves the root. */
export function outsideRootError(path: string): FerryError {
  return new FerryError('PATH_OUTSIDE_ROOT', `${path} resolves outside the storage root`, {
    publicMessage: 'Path leads outside your home folder',
  });
}

/** The errno of a Node error, if any (for the few places that branch on it). */
export function errnoOf(err: unknown): string | undefined {
  return err instanceof Error ? (err as NodeJS.ErrnoException).code : undefined;
}
