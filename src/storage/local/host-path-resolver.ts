// The only place that turns a VirtualPath into a host path, and the containment check behind it:
// every real path (after symlinks) must stay under the real root, whatever the VirtualPath says.
import type { Stats } from 'node:fs';
import { lstat, realpath, stat } from 'node:fs/promises';
import { isAbsolute, join, relative, resolve, sep } from 'node:path';
import { FerryError } from '../../errors/ferry-error.js';
import { MAX_PATH_LENGTH, type VirtualPath } from '../virtual-path.js';
import { fsFailure, outsideRootError } from './map-fs-error.js';

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
    const realParent = parts.length === 0 ? this.realRoot : await realpath(join(this.realRoot, ...parts)).catch(fsFailure('resolve', path));
    this.assertInside(realParent, path);
    return { realParent, name, hostPath: join(realParent, name) };
  }

  /** Resolve an existing target, following a final symlink only if it stays inside the root. */
  async target(path: VirtualPath): Promise<ResolvedTarget> {
    const parent = await this.parent(path);
    const fail = fsFailure('stat', path);
    if (parent.name === '') {
      const rootStat = await stat(this.realRoot).catch(fail);
      return { ...parent, lstat: rootStat, realPath: this.realRoot, stat: rootStat };
    }
    const linkStat = await lstat(parent.hostPath).catch(fail);
    if (!linkStat.isSymbolicLink()) return { ...parent, lstat: linkStat, realPath: parent.hostPath, stat: linkStat };
    // A dangling link surfaces as NOT_FOUND; a link loop as ELOOP -> PATH_OUTSIDE_ROOT.
    const realPath = await realpath(parent.hostPath).catch(fail);
    this.assertInside(realPath, path);
    const targetStat = await stat(realPath).catch(fail);
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

function invalidPath(detail: string): FerryError {
  return new FerryError('INVALID_PATH', `invalid virtual path: ${JSON.stringify(detail)}`, { publicMessage: 'Invalid path' });
}
