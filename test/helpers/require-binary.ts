// Interop tests need real client programs (curl, lftp, python3, openssl). A missing one skips its tests
// with a reason on a developer machine, but fails in CI (CI set) so CI never silently skips them.
import { accessSync, constants } from 'node:fs';
import path from 'node:path';

/** Absolute path of an executable on PATH, or undefined. */
export function findBinary(name: string): string | undefined {
  for (const dir of (process.env.PATH ?? '').split(path.delimiter)) {
    if (!dir) continue;
    const candidate = path.join(dir, name);
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not here: keep looking
    }
  }
  return undefined;
}

/**
 * The `skip` option for tests that run `name`: false when it is installed, a reason when it is not.
 * Throws when it is missing and CI is set, which fails the whole test file.
 */
export function requireBinary(name: string): string | false {
  if (findBinary(name)) return false;
  const reason = `${name} is not installed (not found on PATH)`;
  if (process.env.CI) throw new Error(`${reason}: interop tests must not be skipped in CI; install ${name} on the CI image`);
  return reason;
}
