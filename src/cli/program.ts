// The `ferry` command line (commander): serve, check-config, user add|passwd|remove|list|enable|disable,
// admin passwd, cert generate|show. Exit codes: 0 ok, 1 failure, 2 invalid configuration or usage.
import path from 'node:path';
import { Command, Option } from 'commander';
import { FIRST_ADMIN_NAME, setAdminPassword } from '../admin/admin-accounts.js';
import { addUser, listUsers, removeUser, setPassword, setUserEnabled } from '../auth/users-file.js';
import { generatePassword } from '../auth/password-hash.js';
import { loadConfig } from '../config/load-config.js';
import { PERMISSIONS, type Permission } from '../config/schema.js';
import { FerryError } from '../errors/ferry-error.js';
import { configSecretWarnings, DEFAULT_CONFIG_FILE, loadTls, resolvePaths, startFerry } from '../server/bootstrap.js';
import { generateSelfSignedCertificate, KEY_TYPES, writeCertificateFiles, type KeyType } from '../tls/certificate-generate.js';
import { formatCertificateInfo, inspectCertificate } from '../tls/certificate-inspect.js';
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { readPassword } from './read-password.js';

export interface CliIO {
  out(line: string): void;
  err(line: string): void;
  /** Resolves when the server should stop (signal); only `serve` uses it. */
  onSignal(handler: (signal: 'SIGTERM' | 'SIGINT' | 'SIGHUP') => void): void;
}

export class CliExit extends Error {
  constructor(readonly exitCode: number, message: string) {
    super(message);
  }
}

const configOption = () =>
  new Option('-c, --config <file>', 'config file (created with defaults by `serve` if missing)').default(process.env.FERRY_CONFIG ?? DEFAULT_CONFIG_FILE);

async function usersFileOf(configFile: string): Promise<string> {
  return resolvePaths(await loadConfig(configFile)).usersFile;
}

function parsePermissions(value: string): 'full' | 'read-only' | Permission[] {
  if (value === 'full' || value === 'read-only') return value;
  const list = value.split(',').map((p) => p.trim()).filter(Boolean);
  const bad = list.filter((p) => !(PERMISSIONS as readonly string[]).includes(p));
  if (bad.length > 0) throw new CliExit(2, `unknown permission(s): ${bad.join(', ')}; use full, read-only, or a list of: ${PERMISSIONS.join(', ')}`);
  return list as Permission[];
}

export function buildProgram(io: CliIO): Command {
  const program = new Command('ferry')
    .description('Ferry: a secure FTP/FTPS server')
    .showHelpAfterError()
    .exitOverride()
    .configureOutput({ writeOut: (s) => io.out(s.trimEnd()), writeErr: (s) => io.err(s.trimEnd()) });

  program
    .command('serve')
    .description('run the FTP/FTPS server (first start: writes a default config, a first user and a certificate)')
    .addOption(configOption())
    .action(async (opts: { config: string }) => {
      const running = await startFerry(opts.config, { print: io.out });
      const { explicit, implicit } = running.addresses;
      if (explicit) io.out(`Ferry is listening: FTP/FTPES on ${explicit.address}:${explicit.port}` + (implicit ? `, implicit FTPS on ${implicit.address}:${implicit.port}` : ''));
      else io.out('The FTP service is switched off (server.enabled: false): no FTP listener');
      io.out(`TLS: ${running.loaded.config.tls.mode}. Config: ${running.loaded.file}`);
      if (running.admin) io.out(`Admin page: ${running.admin.url}`);
      else if (running.loaded.config.admin.enabled) io.out('Admin page: not running (see the log above)');
      await new Promise<void>((resolve) => {
        io.onSignal((signal) => {
          if (signal === 'SIGHUP') {
            running.logger.info('SIGHUP: reloading certificate and users');
            void running.reload();
            return;
          }
          running.logger.info({ signal }, 'shutting down');
          void running.stop().then(resolve);
        });
      });
    });

  program
    .command('check-config')
    .description('validate the config file and the certificate, then exit')
    .addOption(configOption())
    .action(async (opts: { config: string }) => {
      const loaded = await loadConfig(opts.config);
      const paths = resolvePaths(loaded);
      const tls = await loadTls(loaded.config, loaded.baseDir, paths, io.out, { generate: false });
      if (!tls && loaded.config.tls.mode !== 'disabled') io.out(`No certificate configured: \`ferry serve\` will generate one into ${paths.tlsDir} on first start`);
      for (const w of [...(tls?.warnings ?? []), ...(await configSecretWarnings(loaded))]) io.err(`warning: ${w}`);
      io.out(`${loaded.file}: configuration is valid`);
    });

  const user = program.command('user').description('manage FTP users (the users file)');
  user
    .command('add <name>')
    .description('add a user (password prompted, read from stdin with --password-stdin, or generated with --generate-password)')
    .addOption(configOption())
    .option('--home <dir>', 'home folder, relative to storage.root (default: the user name)')
    .option('--permissions <list>', `full, read-only, or a comma list of: ${PERMISSIONS.join(', ')}`, 'full')
    .addOption(new Option('--tls <mode>', 'per-user TLS requirement').choices(['inherit', 'optional', 'required']).default('inherit'))
    .option('--no-session-reuse', 'do not require TLS session reuse on data connections for this user (clients such as stock Python ftplib)')
    .option('--password-stdin', 'read the password from standard input')
    .option('--generate-password', 'generate a password and print it once')
    .action(async (name: string, opts: { config: string; home?: string; permissions: string; tls: 'inherit' | 'optional' | 'required'; sessionReuse: boolean; passwordStdin?: boolean; generatePassword?: boolean }) => {
      const file = await usersFileOf(opts.config);
      const password = opts.generatePassword ? generatePassword() : await readPassword(opts.passwordStdin === true);
      await addUser(file, {
        name,
        password,
        home: opts.home,
        permissions: parsePermissions(opts.permissions),
        tls: opts.tls,
        ...(opts.sessionReuse ? {} : { requireSessionReuse: false }),
      });
      io.out(`User ${name} added to ${file}`);
      if (opts.generatePassword) io.out(`Password (shown once): ${password}`);
    });
  user
    .command('passwd <name>')
    .description('set a user\'s password')
    .addOption(configOption())
    .option('--password-stdin', 'read the password from standard input')
    .action(async (name: string, opts: { config: string; passwordStdin?: boolean }) => {
      const file = await usersFileOf(opts.config);
      await setPassword(file, name, await readPassword(opts.passwordStdin === true));
      io.out(`Password of ${name} changed`);
    });
  user
    .command('remove <name>')
    .description('remove a user (the home folder is kept)')
    .addOption(configOption())
    .action(async (name: string, opts: { config: string }) => {
      await removeUser(await usersFileOf(opts.config), name);
      io.out(`User ${name} removed`);
    });
  for (const [verb, enabled] of [['enable', true], ['disable', false]] as const) {
    user
      .command(`${verb} <name>`)
      .description(`${verb} a user's logins`)
      .addOption(configOption())
      .action(async (name: string, opts: { config: string }) => {
        await setUserEnabled(await usersFileOf(opts.config), name, enabled);
        io.out(`User ${name} ${verb}d`);
      });
  }
  user
    .command('list')
    .description('list users')
    .addOption(configOption())
    .action(async (opts: { config: string }) => {
      const users = await listUsers(await usersFileOf(opts.config));
      if (users.length === 0) return io.out('(no users)');
      for (const u of users) {
        const perms = Array.isArray(u.permissions) ? u.permissions.join(',') : u.permissions;
        io.out(`${u.name}\t${u.enabled ? 'enabled' : 'disabled'}\thome=${u.home ?? u.name}\tpermissions=${perms}\ttls=${u.tls}`);
      }
    });

  const admin = program.command('admin').description('web admin page accounts');
  admin
    .command('passwd [name]')
    .description('set the password of an admin account of the web admin page, creating it if needed (default name: admin)')
    .addOption(configOption())
    .option('--password-stdin', 'read the password from standard input')
    .option('--generate-password', 'generate a password and print it once')
    .action(async (name: string | undefined, opts: { config: string; passwordStdin?: boolean; generatePassword?: boolean }) => {
      const loaded = await loadConfig(opts.config);
      const file = path.resolve(loaded.baseDir, loaded.config.admin.accountsFile);
      const account = name ?? FIRST_ADMIN_NAME;
      const password = opts.generatePassword ? generatePassword() : await readPassword(opts.passwordStdin === true);
      const { created } = await setAdminPassword(file, account, password);
      io.out(`Admin ${account} ${created ? 'created' : 'password changed'} in ${file}`);
      if (opts.generatePassword) io.out(`Password (shown once): ${password}`);
    });

  const cert = program.command('cert').description('TLS certificate tools');
  cert
    .command('generate')
    .description('generate a self-signed certificate (SHA-256, modern key) and print its fingerprint')
    .option('--cn <host>', 'common name (default: this host name)')
    .option('--san <name...>', 'subject alternative names: DNS names or IP addresses')
    .option('--days <n>', 'validity in days', (v) => Number(v), 825)
    .addOption(new Option('--key <type>', 'key type').choices([...KEY_TYPES]).default('ec-p256'))
    .option('--out <dir>', 'output folder for cert.pem and key.pem (key written with mode 0600)', '.')
    .option('--force', 'replace an existing cert.pem/key.pem in the output folder')
    .action(async (opts: { cn?: string; san?: string[]; days: number; key: KeyType; out: string; force?: boolean }) => {
      if (!Number.isInteger(opts.days) || opts.days < 1) throw new CliExit(2, '--days must be a whole number of days');
      const existing = ['cert.pem', 'key.pem'].map((f) => path.join(opts.out, f)).filter((f) => existsSync(f));
      if (existing.length > 0 && !opts.force) throw new CliExit(1, `${existing.join(' and ')} already exist: use --force to replace them, or --out another folder`);
      const generated = await generateSelfSignedCertificate({ commonName: opts.cn, subjectAltNames: opts.san, days: opts.days, keyType: opts.key });
      const files = await writeCertificateFiles(opts.out, generated);
      io.out(`Certificate: ${files.certFile}`);
      io.out(`Private key: ${files.keyFile} (mode 0600)`);
      io.out(`SHA-256 fingerprint: ${generated.fingerprintSha256}`);
      io.out(`Use it: set tls.certFile: ${files.certFile} and tls.keyFile: ${files.keyFile} in the config.`);
    });
  cert
    .command('show')
    .description('show the certificate in use (or --file): subject, SANs, validity, key, fingerprints')
    .addOption(configOption())
    .option('--file <pem>', 'a certificate file to inspect instead of the configured one')
    .action(async (opts: { config: string; file?: string }) => {
      let pem: string;
      if (opts.file) {
        pem = await readFile(path.resolve(opts.file), 'utf8');
      } else {
        const loaded = await loadConfig(opts.config);
        const tls = await loadTls(loaded.config, loaded.baseDir, resolvePaths(loaded), io.out, { generate: false });
        if (!tls && loaded.config.tls.mode === 'disabled') throw new CliExit(2, 'TLS is disabled in this configuration (tls.mode: disabled)');
        if (!tls) throw new CliExit(2, 'No certificate yet: start the server once (`ferry serve`) or run `ferry cert generate`');
        pem = tls.material.certPem;
        for (const w of tls.warnings) io.err(`warning: ${w}`);
      }
      io.out(formatCertificateInfo(inspectCertificate(pem)));
    });

  return program;
}

/** Run the CLI; returns the exit code. */
export async function runCli(argv: string[], io: CliIO): Promise<number> {
  const program = buildProgram(io);
  try {
    await program.parseAsync(argv, { from: 'user' });
    return 0;
  } catch (err) {
    const e = err as { code?: string; exitCode?: number; message?: string };
    if (e.code === 'commander.helpDisplayed' || e.code === 'commander.version' || (e.code?.startsWith('commander.') && e.exitCode === 0)) return 0;
    if (typeof e.code === 'string' && e.code.startsWith('commander.')) return 2;
    if (err instanceof CliExit) {
      io.err(`ferry: ${err.message}`);
      return err.exitCode;
    }
    if (err instanceof FerryError) {
      io.err(`ferry: ${err.message}`);
      return err.code === 'CONFIG_INVALID' || err.code === 'CERTIFICATE_INVALID' ? 2 : 1;
    }
    io.err(`ferry: ${(err as Error).message ?? String(err)}`);
    return 1;
  }
}
