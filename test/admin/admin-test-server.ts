// Starts a real Ferry with its admin page on 127.0.0.1 port 0 in a temp folder, and keeps the
// one-time admin password the first start prints, for the admin page's HTTP and browser tests.
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import pino from 'pino';
import YAML from 'yaml';
import { addUser, type AddUserOptions } from '../../src/auth/users-file.js';
import { startFerry, type RunningFerry } from '../../src/server/bootstrap.js';
import { AdminHttpClient } from './admin-http-client.js';

export interface AdminTestServer {
  running: RunningFerry;
  dir: string;
  configFile: string;
  /** Base URL of the admin page, ending in "/". */
  adminUrl: string;
  adminPassword: string;
  ftpPort: number;
  implicitPort: number | undefined;
  user: { name: string; password: string };
  /** Everything startFerry printed (the admin password line among it). */
  printed: string[];
  /** Log lines as pino objects. */
  logs: Record<string, unknown>[];
  stop(): Promise<void>;
}

export interface AdminTestServerOptions {
  /** Merged over the defaults per top-level section. */
  config?: Record<string, Record<string, unknown>>;
  users?: AddUserOptions[];
}

export const FTP_USER = { name: 'alice', password: 'secret-alice' };

export async function startAdminTestServer(options: AdminTestServerOptions = {}): Promise<AdminTestServer> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'ferry-admin-test-'));
  const base: Record<string, Record<string, unknown>> = {
    server: { host: '127.0.0.1', port: 0 },
    passive: { minPort: 0, maxPort: 0 },
    tls: { mode: 'optional', implicit: { enabled: true, port: 0 } },
    logging: { level: 'debug', pretty: 'never' },
    security: { loginFailureDelayMs: 0 },
    admin: { host: '127.0.0.1', port: 0 },
  };
  const config: Record<string, Record<string, unknown>> = { ...base };
  for (const [section, values] of Object.entries(options.config ?? {})) config[section] = { ...(base[section] ?? {}), ...values };
  const configFile = path.join(dir, 'ferry.yaml');
  await writeFile(configFile, `# Written by the admin tests: this comment must survive edits\n${YAML.stringify(config)}`, { mode: 0o600 });
  for (const u of [FTP_USER, ...(options.users ?? [])]) await addUser(path.join(dir, 'users.yaml'), u);

  const printed: string[] = [];
  const logs: Record<string, unknown>[] = [];
  const logger = pino({ level: 'debug' }, { write: (line: string) => void logs.push(JSON.parse(line) as Record<string, unknown>) });
  const running = await startFerry(configFile, { print: (line) => printed.push(line), logger, watch: false });
  if (!running.admin) {
    await running.stop(0);
    throw new Error(`admin page did not start: ${JSON.stringify(logs.filter((l) => (l.level as number) >= 50))}`);
  }
  const adminPassword = /Created the admin account "admin" for the web admin page with password: (\S+)/.exec(printed.join('\n'))?.[1];
  if (!adminPassword) throw new Error(`no admin password printed: ${printed.join('\n')}`);
  await mkdir(path.join(running.paths.storageRoot, FTP_USER.name), { recursive: true });
  return {
    running,
    dir,
    configFile,
    adminUrl: running.admin.url,
    adminPassword,
    ftpPort: running.addresses.explicit!.port,
    implicitPort: running.addresses.implicit?.port,
    user: FTP_USER,
    printed,
    logs,
    async stop() {
      await running.stop(500);
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/** A started admin test server and an HTTP client already logged in as its first admin. */
export async function startLoggedInAdmin(options: AdminTestServerOptions = {}): Promise<{ server: AdminTestServer; admin: AdminHttpClient }> {
  const server = await startAdminTestServer(options);
  const admin = new AdminHttpClient(server.adminUrl);
  const login = await admin.login('admin', server.adminPassword);
  if (login.status !== 303) {
    await server.stop();
    throw new Error(`admin login failed with HTTP ${login.status}`);
  }
  return { server, admin };
}
