// Turns a config file into a running server: first-start setup (default config, data folder, first
// user, generated certificate), certificate checks, user store, listeners, and reload of certificate
// and users without a restart. Everything printed for the operator goes through `print`.
import { existsSync, unwatchFile, watchFile } from 'node:fs';
import { mkdir, stat, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { Logger } from 'pino';
import type { AdminServer } from '../admin/admin-server.js';
import { ensureFirstUser } from '../auth/first-user.js';
import { UserStore } from '../auth/user-store.js';
import { defaultConfigYaml } from '../config/config-docs.js';
import { loadConfig, type LoadedConfig } from '../config/load-config.js';
import type { FerryConfig } from '../config/schema.js';
import { kernelReceiveAvailable } from '../data/kernel-receive.js';
import { kernelSendAvailable, kernelSendThreadsAvailable } from '../data/kernel-send.js';
import { FerryError } from '../errors/ferry-error.js';
import { createLogger } from '../log/logger.js';
import { XferlogWriter } from '../log/xferlog.js';
import { startListingThreads } from '../storage/local/listing-threads.js';
import { checkCertificate, type CertificateFinding } from '../tls/certificate-check.js';
import { generateSelfSignedCertificate, writeCertificateFiles } from '../tls/certificate-generate.js';
import { inspectCertificate } from '../tls/certificate-inspect.js';
import { keyFilePermissionWarning, loadCertificateMaterial, type CertificateMaterial } from '../tls/certificate-load.js';
import { SecureContextProvider } from '../tls/secure-context-provider.js';
import { FtpServer, type ListeningAddresses } from './ftp-server.js';

export const DEFAULT_CONFIG_FILE = 'ferry.yaml';
/** Where a generated certificate lives, relative to the config file's folder. */
export const GENERATED_TLS_DIR = 'data/tls';

export interface Paths {
  storageRoot: string;
  usersFile: string;
  tlsDir: string;
  xferlog?: string;
}

export function resolvePaths(loaded: LoadedConfig): Paths {
  const at = (p: string) => path.resolve(loaded.baseDir, p);
  const { config } = loaded;
  return {
    storageRoot: at(config.storage.root),
    usersFile: at(config.users.file),
    tlsDir: at(GENERATED_TLS_DIR),
    ...(config.logging.xferlog ? { xferlog: at(config.logging.xferlog) } : {}),
  };
}

/** Write the commented default config if the file does not exist. Returns true when it did. */
export async function ensureConfigFile(file: string): Promise<boolean> {
  if (existsSync(file)) return false;
  await mkdir(path.dirname(path.resolve(file)), { recursive: true });
  await writeFile(file, defaultConfigYaml(), { flag: 'wx', mode: 0o600 });
  return true;
}

export interface TlsSetup {
  material: CertificateMaterial;
  findings: CertificateFinding[];
  warnings: string[];
  generated: boolean;
}

/**
 * The certificate in use: the configured one, or the generated one in the data folder (created on
 * first start). Errors in the certificate stop the start; warnings are returned.
 */
export async function loadTls(
  config: FerryConfig,
  baseDir: string,
  paths: Paths,
  print: (line: string) => void,
  options: { generate: boolean } = { generate: true },
): Promise<TlsSetup | undefined> {
  if (config.tls.mode === 'disabled') return undefined;
  let generated = false;
  let material = await loadCertificateMaterial(config.tls, baseDir);
  if (!material) {
    const certFile = path.join(paths.tlsDir, 'cert.pem');
    const keyFile = path.join(paths.tlsDir, 'key.pem');
    if (!existsSync(certFile) || !existsSync(keyFile)) {
      // Checking commands never write: they report that the first start will generate one.
      if (!options.generate) return undefined;
      const host = os.hostname();
      const cert = await generateSelfSignedCertificate({ commonName: host }); // adds the host name to the default SANs when it is a valid DNS name
      await writeCertificateFiles(paths.tlsDir, cert);
      generated = true;
      print(`Generated a self-signed TLS certificate in ${paths.tlsDir}`);
      print(`  SHA-256 fingerprint: ${cert.fingerprintSha256}`);
      print('  Compare it with what FileZilla/WinSCP shows on first connect.');
    }
    material = await loadCertificateMaterial({ certFile, keyFile }, baseDir);
  }
  const findings = checkCertificate({ certPem: material!.certPem, keyPem: material!.keyPem, passphrase: material!.passphrase });
  const errors = findings.filter((f) => f.severity === 'error');
  if (errors.length > 0) {
    throw new FerryError('CERTIFICATE_INVALID', `TLS certificate problem:\n${errors.map((f) => `  - ${f.message}\n    Fix: ${f.fix}`).join('\n')}`);
  }
  const warnings = findings.filter((f) => f.severity === 'warning').map((f) => `${f.message} Fix: ${f.fix}`);
  if (material!.keyFile) {
    const w = await keyFilePermissionWarning(material!.keyFile);
    if (w) warnings.push(w);
  }
  return { material: material!, findings, warnings, generated };
}

/** A config file that holds an inline private key or passphrase must not be readable by others. */
export async function configSecretWarnings(loaded: LoadedConfig): Promise<string[]> {
  const { tls } = loaded.config;
  if (!tls.key && !tls.passphrase) return [];
  const mode = (await stat(loaded.file)).mode & 0o777;
  if ((mode & 0o077) === 0) return [];
  return [`${loaded.file} holds an inline private key or passphrase and is readable by others (mode ${mode.toString(8).padStart(4, '0')}). Run \`chmod 600 ${loaded.file}\``];
}

export interface RunningFerry {
  server: FtpServer;
  addresses: ListeningAddresses;
  loaded: LoadedConfig;
  paths: Paths;
  logger: Logger;
  /** The web admin page, when admin.enabled and it could start (a failure is logged; FTP keeps running). */
  admin: AdminServer | undefined;
  /** Re-read certificate and users (SIGHUP). */
  reload(): Promise<void>;
  /**
   * Apply a validated config live (the admin page): certificate checked first (errors reject and
   * change nothing), then listeners and settings for new sessions; running sessions continue.
   */
  apply(next: FerryConfig): Promise<void>;
  stop(graceMs?: number): Promise<void>;
}

export interface StartOptions {
  print?: (line: string) => void;
  logger?: Logger;
  /** Watch certificate files and the users file for changes (default true). */
  watch?: boolean;
}

export async function startFerry(configFile: string, options: StartOptions = {}): Promise<RunningFerry> {
  const print = options.print ?? ((line: string) => process.stdout.write(line + '\n'));
  if (await ensureConfigFile(configFile)) print(`Created a default configuration: ${path.resolve(configFile)}`);
  const loaded = await loadConfig(configFile);
  const { config } = loaded;
  const paths = resolvePaths(loaded);
  const logger = options.logger ?? createLogger(config.logging);

  await mkdir(paths.storageRoot, { recursive: true, mode: 0o750 });
  const first = await ensureFirstUser(paths.usersFile);
  if (first) {
    print(`Created the first user "${first.name}" with password: ${first.password}`);
    print('  It is shown only this once (stored as an scrypt hash). Change it with: ferry user passwd ' + first.name);
  }

  const tlsSetup = await loadTls(config, loaded.baseDir, paths, print);
  for (const w of [...(tlsSetup?.warnings ?? []), ...(await configSecretWarnings(loaded))]) logger.warn(w);
  if (process.platform === 'linux') {
    const missing = [
      config.storage.sendfile && !kernelSendAvailable && "storage.sendfile (plain downloads are copied through Ferry's buffers)",
      config.storage.uploadThreads > 0 && !kernelReceiveAvailable && 'storage.uploadThreads (plain uploads are read on the event loop)',
      config.storage.sendfile && config.storage.downloadThreads > 0 && kernelSendAvailable && !kernelSendThreadsAvailable && 'storage.downloadThreads (plain downloads are sent from the event loop)',
    ].filter(Boolean);
    if (missing.length > 0) {
      logger.info(`the native helper (native/) is not built, or built before these: ${missing.join(', ')}; \`npm install\` builds it when python3, make and a C compiler are present`);
    }
  }
  const provider = tlsSetup ? new SecureContextProvider(tlsSetup.material, { minVersion: config.tls.minVersion, ciphers: config.tls.ciphers }) : undefined;

  const users = await UserStore.open({ usersFile: paths.usersFile, storageRoot: paths.storageRoot, anonymous: config.users.anonymous });
  const xferlog = paths.xferlog ? new XferlogWriter(paths.xferlog) : undefined;
  const server = new FtpServer({ config, users, tls: provider, logger, xferlog });
  // Booted before the ports open: a thread still starting (~0.1 s of CPU each) would compete with
  // the first clients' transfers (a fresh server's first download in the bench).
  await startListingThreads();
  let addresses: ListeningAddresses;
  try {
    addresses = await server.listen();
  } catch (err) {
    server.destroy();
    await users.close();
    const e = err as NodeJS.ErrnoException;
    if (e.code === 'EADDRINUSE' || e.code === 'EACCES') {
      throw new FerryError('CONFIG_INVALID', `cannot listen on ${config.server.host}: ${e.message} (set server.port / tls.implicit.port to a free port${e.code === 'EACCES' ? ' above 1023, or run with the privilege to bind low ports' : ''})`, { cause: err });
    }
    throw err;
  }

  const apply = async (next: FerryConfig) => {
    const setup = await loadTls(next, loaded.baseDir, paths, print);
    for (const w of setup?.warnings ?? []) logger.warn(w);
    const nextProvider = setup ? new SecureContextProvider(setup.material, { minVersion: next.tls.minVersion, ciphers: next.tls.ciphers }) : undefined;
    users.configureAnonymous(next.users.anonymous); // throws (changing nothing) for a home outside storage.root
    try {
      await server.reconfigure(next, nextProvider);
    } catch (err) {
      users.configureAnonymous(currentConfig.users.anonymous);
      throw err;
    }
    currentConfig = next;
  };
  let currentConfig = config;

  const reload = async () => {
    const error = await users.reload();
    if (error) logger.error({ err: error.message }, 'users file invalid: keeping the previous users');
    const provider = server.tlsProvider;
    if (!provider) return;
    try {
      const next = await loadTls(currentConfig, loaded.baseDir, paths, print);
      if (next && next.material.certPem !== provider.certPem) {
        provider.update(next.material);
        logger.info({ fingerprint: inspectCertificate(next.material.certPem).fingerprintSha256 }, 'certificate reloaded: new connections use it');
        await running.admin?.refreshTls();
      }
    } catch (err) {
      logger.error({ err: (err as Error).message }, 'certificate reload failed: keeping the previous certificate');
    }
  };

  const watched: string[] = [];
  if (options.watch !== false) {
    users.watch();
    for (const file of [tlsSetup?.material.certFile, tlsSetup?.material.keyFile]) {
      if (!file) continue;
      watched.push(file);
      watchFile(file, { interval: 2000, persistent: false }, () => void reload());
    }
  }

  const stop = async (graceMs = config.server.shutdownGraceSeconds * 1000) => {
    await running.admin?.close().catch((err: Error) => logger.error({ err: err.message }, 'admin page: close failed'));
    for (const f of watched) unwatchFile(f);
    await server.close({ graceMs });
    await users.close();
    await xferlog?.close();
  };
  const running: RunningFerry = { server, addresses, loaded, paths, logger, admin: undefined, reload, apply, stop };
  if (config.admin.enabled) {
    try {
      // Loaded only when enabled: the web stack (Fastify, prom-client) costs ~30 MB of memory.
      const { startAdminServer } = await import('../admin/admin-server.js');
      running.admin = await startAdminServer(running, { print });
    } catch (err) {
      // The FTP service matters more than its admin page: report and keep serving.
      const e = err as NodeJS.ErrnoException;
      const hint = e.code === 'EADDRINUSE' ? ` (port ${config.admin.port} is in use: set admin.port to a free port)` : '';
      logger.error({ err: e.message }, `admin page not started${hint}`);
    }
  }
  return running;
}
