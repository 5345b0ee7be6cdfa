// A VirtualPath is what a user sees: absolute, '/'-separated, normalised, rooted at the user's home.
// resolveVirtualPath() is the only function that turns client input into one (RFC 959 pathnames).
import { FerryError } from '../errors/ferry-error.js';

declare const virtualPathBrand: unique symbol;
export type VirtualPath = string & { readonly [virtualPathBrand]: true };

export const ROOT = '/' as VirtualPath;

/** Longest path we accept from a client, in characters; longer ones are refused before touching storage. */
export const MAX_PATH_LENGTH = 4096;

/**
 * Resolve `input` (absolute or relative to `cwd`) to a normalised VirtualPath.
 * `..` never climbs above `/`: the user's home is the whole world. Backslashes are kept as name
 * characters (they are legal on POSIX); NUL bytes are refused.
 */
export function resolveVirtualPath(cwd: VirtualPath, input: string): VirtualPath {
  if (input.includes('\0')) throw new FerryError('INVALID_PATH', 'path contains a NUL byte', { publicMessage: 'Invalid path: contains a NUL byte' });
  if (input.length > MAX_PATH_LENGTH) throw new FerryError('INVALID_PATH', 'path too long', { publicMessage: 'Invalid path: too long' });
  const joined = input.startsWith('/') ? input : `${cwd}/${input}`;
  const parts: string[] = [];
  for (const segment of joined.split('/')) {
    if (segment === '' || segment === '.') continue;
    if (segment === '..') parts.pop();
    else parts.push(segment);
  }
  return `/${parts.join('/')}` as VirtualPath;
}

export function parentOf(path: VirtualPath): VirtualPath {
  if (path === ROOT) return ROOT;
  const cut = path.lastIndexOf('/');
  return (cut <= 0 ? ROOT : path.slice(0, cut)) as VirtualPath;
}

export function baseName(path: VirtualPath): string {
  return path.slice(path.lastIndexOf('/') + 1);
}

export function joinVirtual(dir: VirtualPath, name: string): VirtualPath {
  return resolveVirtualPath(dir, name);
}
