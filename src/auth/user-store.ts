// The runtime user store the FTP server logs users in against: users file + anonymous access,
// homes resolved under storage.root, reloaded when the file changes (old users kept if the new file is bad).
import { watchFile, unwatchFile, promises as fs, type Stats } from 'node:fs';
import path from 'node:path';
import { resolvePermissions, type Permission, type UserRecord } from '../config/schema.js';
import { FerryError, isFerryError } from '../errors/ferry-error.js';
import { getDummyHash, verifyAgainstDummy, verifyPassword } from './password-hash.js';
import { ANONYMOUS_NAMES, loadUsersFile } from './users-file.js';

export type UserTls = UserRecord['tls'];

export interface AuthenticatedUser {
  name: string;
  /** Absolute host path of the home folder. */
  home: string;
  permissions: ReadonlySet<Permission>;
  tls: UserTls;
  requireSessionReuse?: boolean;
  anonymous: boolean;
}

/** How passwords are checked; replaceable so tests can observe the unknown-user path. */
export interface PasswordVerifier {
  verify(password: string, encoded: string): Promise<boolean>;
  verifyAgainstDummy(password: string): Promise<boolean>;
}

export interface UserStoreOptions {
  usersFile: string;
  /** Absolute folder that holds the users' homes. */
  storageRoot: string;
  anonymous: { enabled: boolean; home: string };
  verifier?: PasswordVerifier;
}

interface Account {
  user: AuthenticatedUser;
  hash: string;
  enabled: boolean;
}

const ANONYMOUS_PERMISSIONS: ReadonlySet<Permission> = new Set<Permission>(['list', 'read']);
const POLL_INTERVAL_MS = 2000;

const defaultVerifier: PasswordVerifier = { verify: verifyPassword, verifyAgainstDummy };

/**
 * Resolves a configured home: relative homes live under `storageRoot` and may not climb out of it;
 * an absolute home is the admin's explicit choice and is taken as is.
 */
export function resolveHome(storageRoot: string, home: string): string | undefined {
  if (path.isAbsolute(home)) return path.resolve(home);
  const resolved = path.resolve(storageRoot, home);
  const rel = path.relative(storageRoot, resolved);
  if (rel === '..' || rel.startsWith(`..${path.sep}`) || path.isAbsolute(rel)) return undefined;
  return resolved;
}

function buildAccounts(file: string, storageRoot: string, records: readonly UserRecord[]): Map<string, Account> {
  const accounts = new Map<string, Account>();
  const problems: string[] = [];
  records.forEach((record, index) => {
    const home = resolveHome(storageRoot, record.home ?? record.name);
    if (home === undefined) {
      problems.push(`${file}: users[${index}].home: "${record.home}" leaves storage.root; use a relative folder inside it or an absolute path`);
      return;
    }
    const user: AuthenticatedUser = {
      name: record.name,
      home,
      permissions: resolvePermissions(record.permissions),
      tls: record.tls,
      anonymous: false,
    };
    if (record.requireSessionReuse !== undefined) user.requireSessionReuse = record.requireSessionReuse;
    accounts.set(record.name, { user: Object.freeze(user), hash: record.password, enabled: record.enabled });
  });
  if (problems.length > 0) throw new FerryError('CONFIG_INVALID', problems.join('\n'));
  return accounts;
}

function anonymousUser(storageRoot: string, anonymous: UserStoreOptions['anonymous']): AuthenticatedUser | undefined {
  if (!anonymous.enabled) return undefined;
  const home = resolveHome(storageRoot, anonymous.home);
  if (home === undefined) throw new FerryError('CONFIG_INVALID', `users.anonymous.home: "${anonymous.home}" leaves storage.root`);
  return Object.freeze({ name: 'anonymous', home, permissions: ANONYMOUS_PERMISSIONS, tls: 'inherit', anonymous: true });
}

export class UserStore {
  readonly #file: string;
  readonly #storageRoot: string;
  #anonymous: AuthenticatedUser | undefined;
  readonly #verifier: PasswordVerifier;
  #accounts: Map<string, Account>;
  #watching: ((curr: Stats, prev: Stats) => void) | undefined;
  #reloading: Promise<FerryError | undefined> = Promise.resolve(undefined);

  private constructor(opts: UserStoreOptions, anonymous: AuthenticatedUser | undefined, accounts: Map<string, Account>) {
    this.#file = opts.usersFile;
    this.#storageRoot = opts.storageRoot;
    this.#anonymous = anonymous;
    this.#verifier = opts.verifier ?? defaultVerifier;
    this.#accounts = accounts;
  }

  /** Loads the users file; throws CONFIG_INVALID when it (or the anonymous home) is invalid. */
  static async open(opts: UserStoreOptions): Promise<UserStore> {
    if (!path.isAbsolute(opts.storageRoot)) throw new TypeError('UserStore: storageRoot must be an absolute path');
    const storageRoot = path.resolve(opts.storageRoot);
    const anonymous = anonymousUser(storageRoot, opts.anonymous);
    const { users } = await loadUsersFile(opts.usersFile);
    // Made now, so the first unknown-user login does not take one scrypt longer than later ones.
    await getDummyHash();
    return new UserStore({ ...opts, storageRoot }, anonymous, buildAccounts(opts.usersFile, storageRoot, users));
  }

  /**
   * Changes anonymous access live (the admin page): later logins follow it, sessions already logged in
   * keep what they got. Throws CONFIG_INVALID, changing nothing, when the home leaves storage.root.
   */
  configureAnonymous(anonymous: UserStoreOptions['anonymous']): void {
    this.#anonymous = anonymousUser(this.#storageRoot, anonymous);
  }

  /**
   * Checks a login. Unknown users, disabled users and wrong passwords all cost one scrypt verification
   * and return undefined, so neither the reply nor its timing tells which names exist.
   * Anonymous login (anonymous/ftp, any case, any password) works only when enabled, and is read-only;
   * an account of the same name in the users file wins over it.
   */
  async authenticate(name: string, password: string): Promise<AuthenticatedUser | undefined> {
    const account = this.#accounts.get(name);
    if (!account && this.#anonymous && ANONYMOUS_NAMES.includes(name.toLowerCase())) return this.#anonymous;
    if (!account || !account.enabled) {
      await this.#verifier.verifyAgainstDummy(password);
      return undefined;
    }
    return (await this.#verifier.verify(password, account.hash)) ? account.user : undefined;
  }

  /**
   * The TLS override of an enabled account, for policy decisions before PASS; undefined means
   * "apply the server's policy" (unknown, disabled or anonymous). A map lookup: no timing signal, and
   * the caller must not tell the client which case it was.
   */
  lookup(name: string): UserTls | undefined {
    const account = this.#accounts.get(name);
    return account?.enabled ? account.user.tls : undefined;
  }

  /** Number of accounts in the users file (enabled or not; anonymous not counted). */
  count(): number {
    return this.#accounts.size;
  }

  /**
   * Re-reads the users file. On success the new users apply to later logins (sessions already logged in
   * keep what they got); on failure the old users stay and the error is returned for logging.
   */
  reload(): Promise<FerryError | undefined> {
    // Serialised, so a slow read cannot overwrite the result of a newer one.
    this.#reloading = this.#reloading.then(async () => {
      try {
        const { users } = await loadUsersFile(this.#file);
        this.#accounts = buildAccounts(this.#file, this.#storageRoot, users);
        return undefined;
      } catch (err) {
        if (isFerryError(err)) return err;
        return new FerryError('CONFIG_INVALID', `${this.#file}: ${(err as Error).message}`, { cause: err });
      }
    });
    return this.#reloading;
  }

  /** Creates the user's home folder (and parents) if it does not exist yet. */
  async ensureHome(user: AuthenticatedUser): Promise<void> {
    try {
      await fs.mkdir(user.home, { recursive: true });
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      const publicMessage = 'Home folder unavailable';
      const message = `cannot create home folder ${user.home} of user "${user.name}": ${(err as Error).message}`;
      if (code === 'EEXIST' || code === 'ENOTDIR') throw new FerryError('NOT_A_DIRECTORY', message, { cause: err, publicMessage });
      if (code === 'EACCES' || code === 'EPERM' || code === 'EROFS') throw new FerryError('PERMISSION_DENIED', message, { cause: err, publicMessage });
      if (code === 'ENOSPC' || code === 'EDQUOT') throw new FerryError('NO_SPACE', message, { cause: err, publicMessage });
      throw err;
    }
  }

  /**
   * Polls the users file every 2 s and reloads it on change. Polling (not fs.watch) survives the file
   * being replaced by rename, which is how `ferry user` and most editors save. `onReload` gets each result.
   */
  watch(onReload?: (error: FerryError | undefined) => void, intervalMs = POLL_INTERVAL_MS): void {
    if (this.#watching) return;
    this.#watching = (curr, prev) => {
      if (curr.mtimeMs === prev.mtimeMs && curr.ino === prev.ino && curr.size === prev.size) return;
      void this.reload().then((error) => onReload?.(error));
    };
    // Not persistent: watching alone must not keep the process alive after the server closed.
    watchFile(this.#file, { interval: intervalMs, persistent: false }, this.#watching);
  }

  /** Stops watching; waits for a reload in progress. */
  async close(): Promise<void> {
    if (this.#watching) unwatchFile(this.#file, this.#watching);
    this.#watching = undefined;
    await this.#reloading;
  }
}
