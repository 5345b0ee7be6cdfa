// Starts a real Ferry server on 127.0.0.1 (ephemeral ports) in a fresh temp folder, with users,
// for integration and interop tests. Everything is removed by stop().
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import pino from 'pino';
import YAML from 'yaml';
import { addUser, type AddUserOptions } from '../../src/auth/users-file.js';
import { startFerry, type RunningFerry } from '../../src/server/bootstrap.js';
import { inspectCertificate } from '../../src/tls/certificate-inspect.js';

export interface TestServer {
  running: RunningFerry;
  host: '127.0.0.1';
  /** Explicit FTP/FTPES port. */
  port: number;
  /** Implicit FTPS port (when enabled). */
  implicitPort: number | undefined;
  /** Folder holding the users' homes; the default user's home is `${storageRoot}/alice`. */
  storageRoot: string;
  dir: string;
  user: { name: string; password: string; home: string };
  /** SHA-256 fingerprint of the server certificate (when TLS is on). */
  fingerprint: string | undefined;
  certPem: string | undefined;
  stop(): Promise<void>;
}

export interface TestServerOptions {
  /** Merged over the test defaults (per top-level section). */
  config?: Record<string, Record<string, unknown>>;
  /** Extra users besides alice/secret-alice. */
  users?: AddUserOptions[];
  /** Log lines land here (pino JSON objects) when given. */
  logs?: Record<string, unknown>[];
  /** Watch the certificate and users files for changes, as `ferry serve` does (default off). */
  watch?: boolean;
}

export const DEFAULT_USER = { name: 'alice', password: 'secret-alice' };

export async function startTestServer(options: TestServerOptions = {}): Promise<TestServer> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'ferry-test-'));
  const base: Record<string, Record<string, unknown>> = {
    server: { host: '127.0.0.1', port: 0 },
    passive: { minPort: 0, maxPort: 0 },
    tls: { mode: 'optional', implicit: { enabled: true, port: 0 } },
    logging: { level: options.logs ? 'debug' : 'silent', pretty: 'never' },
    // Tests fail logins on purpose; the growing delay is tested where it is set explicitly.
    security: { loginFailureDelayMs: 0 },
    // The admin page has its own tests (test/admin); other servers run without it, on no fixed port.
    admin: { enabled: false },
  };
  const config: Record<string, Record<string, unknown>> = { ...base };
  for (const [section, values] of Object.entries(options.config ?? {})) config[section] = { ...(base[section] ?? {}), ...values };
  const configFile = path.join(dir, 'ferry.yaml');
  await writeFile(configFile, YAML.stringify(config));
  const usersFile = path.join(dir, 'users.yaml');
  for (const u of [{ ...DEFAULT_USER }, ...(options.users ?? [])]) await addUser(usersFile, u);

  const logs = options.logs;
  const logger = logs
    ? pino({ level: 'debug' }, { write: (line: string) => void logs.push(JSON.parse(line) as Record<string, unknown>) })
    : pino({ level: 'silent' });
  const running = await startFerry(configFile, { print: () => {}, logger, watch: options.watch ?? false });
  const certPem = running.server.tlsProvider?.certPem;
  const home = path.join(running.paths.storageRoot, DEFAULT_USER.name);
  await mkdir(home, { recursive: true }); // so tests can seed files before the first login
  return {
    running,
    host: '127.0.0.1',
    port: running.addresses.explicit!.port,
    implicitPort: running.addresses.implicit?.port,
    storageRoot: running.paths.storageRoot,
    dir,
    user: { ...DEFAULT_USER, home },
    certPem,
    fingerprint: certPem ? inspectCertificate(certPem).fingerprintSha256 : undefined,
    async stop() {
      await running.stop(2000);
      await rm(dir, { recursive: true, force: true });
    },
  };
}
