// The only place that turns a VirtualPath into a host path, and the containment check behind it:
// every real path (after symlinks) must stay under the real root, whatever the VirtualPath says.
//
// The metadata calls here are synchronous, as in nginx: on a local disk each takes microseconds,
// while a thread-pool round trip costs tens of microseconds and two context switches, several
// times per command (measured: small-file downloads). File data is still read and written
// asynchronously. A storage root on a hanging network mount would stall the server; keep roots local.
import { lstatSync, realpathSync, statSync, type Stats } from 'node:fs';
import { isAbsolute, join, relative, resolve, sep } from 'node:path';
import { FerryError } from '../../errors/ferry-error.js';
import { MAX_PATH_LENGTH, type VirtualPath } from '../virtual-path.js';
import { mapFsError, outsideRootError } from './map-fs-error.js';

/** Prefix of the backend's own temporary upload files; users can neither see nor name them. */
export const HIDDEN_STORE_PREFIX = '.ferry-upload-';

export interface ResolvedParent {
  /** Real (symlink-free) host path of the parent folder, checked to be inside the root. */
  realParent: string;
  /** Final component; '' for the root itself. */
  name: string;
  /** `join(realParent, name)`: the final component, not followed (it may be a symlink). */
  hostPath: string;
}

export interface ResolvedTarget extends ResolvedParent {
  /** lstat of `hostPath`. */
  lstat: Stats;
  /** Real path of the target (a final symlink followed), inside the root. */
  realPath: string;
  /** stat of `realPath` (the same object as `lstat` when the final component is not a symlink). */
  stat: Stats;
}

export class HostPathResolver {
  private readonly rootPrefix: string;

  /** `realRoot` must already be a realpath; `configuredRoot` is the root as given, for link display. */
  constructor(
    readonly realRoot: string,
    private readonly configuredRoot: string = realRoot,
  ) {
    this.rootPrefix = realRoot.endsWith(sep) ? realRoot : realRoot + sep;
  }

  /**
   * Split a VirtualPath into host path components. VirtualPaths come normalised from
   * resolveVirtualPath(), but a bug elsewhere must not become a traversal: re-check everything.
   */
  components(path: VirtualPath): string[] {
    const raw: unknown = path;
    if (typeof raw !== 'string' || !raw.startsWith('/') || raw.length > MAX_PATH_LENGTH) throw invalidPath(String(raw));
    if (raw.includes('\0')) throw invalidPath('(path with NUL byte)');
    const parts = raw.split('/').filter((part) => part !== '');
    for (const part of parts) {
      if (part === '.' || part === '..') throw invalidPath(raw);
      // On Windows these would be separators or stream/drive syntax; on POSIX they are plain characters.
      if (sep === '\\' && /[\\:]/.test(part)) throw invalidPath(raw);
    }
    return parts;
  }

  isInside(realPath: string): boolean {
    return realPath === this.realRoot || realPath.startsWith(this.rootPrefix);
  }

  assertInside(realPath: string, path: VirtualPath): void {
    if (!this.isInside(realPath)) throw outsideRootError(path);
  }

  /** Resolve and check the parent folder; the final component is left alone (not followed). */
  async parent(path: VirtualPath): Promise<ResolvedParent> {
    const parts = this.components(path);
    const name = parts.pop();
    if (name === undefined) return { realParent: this.realRoot, name: '', hostPath: this.realRoot };
    if (name.startsWith(HIDDEN_STORE_PREFIX)) {
      throw new FerryError('INVALID_NAME', `${path}: reserved name`, { publicMessage: 'This file name is reserved by the server' });
    }
    const realParent = parts.length === 0 ? this.realRoot : attempt(() => realpathSync.native(join(this.realRoot, ...parts)), 'resolve', path);
    this.assertInside(realParent, path);
    return { realParent, name, hostPath: join(realParent, name) };
  }

  /** Resolve an existing target, following a final symlink only if it stays inside the root. */
  async target(path: VirtualPath): Promise<ResolvedTarget> {
    const parent = await this.parent(path);
    if (parent.name === '') {
      const rootStat = attempt(() => statSync(this.realRoot), 'stat', path);
      return { ...parent, lstat: rootStat, realPath: this.realRoot, stat: rootStat };
    }
    const linkStat = attempt(() => lstatSync(parent.hostPath), 'stat', path);
    if (!linkStat.isSymbolicLink()) return { ...parent, lstat: linkStat, realPath: parent.hostPath, stat: linkStat };
    // A dangling link surfaces as NOT_FOUND; a link loop as ELOOP -> PATH_OUTSIDE_ROOT.
    const realPath = attempt(() => realpathSync.native(parent.hostPath), 'stat', path);
    this.assertInside(realPath, path);
    const targetStat = attempt(() => statSync(realPath), 'stat', path);
    return { ...parent, lstat: linkStat, realPath, stat: targetStat };
  }

  /**
   * The link target to show a user, or undefined when showing it would reveal something outside
   * the root: relative targets as stored, absolute ones rewritten to virtual paths.
   */
  displayLinkTarget(linkDir: string, stored: string): string | undefined {
    if (!isAbsolute(stored)) return this.isInside(resolve(linkDir, stored)) ? stored : undefined;
    for (const base of [this.realRoot, this.configuredRoot]) {
      const rel = relative(base, stored);
      if (rel === '') return '/';
      if (rel !== '..' && !rel.startsWith(`..${sep}`) && !isAbsolute(rel)) return `/${rel.split(sep).join('/')}`;
    }
    return undefined;
  }
}

/** Run one file-system call, mapping its failure to a FerryError. */
export function attempt<T>(call: () => T, operation: string, path: string): T {
  try {
    return call();
  } catch (err) {
    throw mapFsError(err, operation, path);
  }
}

function invalidPath(detail: string): FerryError {
  return new FerryError('INVALID_PATH', `invalid virtual path: ${JSON.stringify(detail)}`, { publicMessage: 'Invalid path' });
}
