// The single source of truth for Ferry's configuration: types, defaults, ranges and the help text
// that the README, the default config file and the admin page show. Nothing else re-states a default.
import { z } from 'zod';

const port = z.number().int().min(0).max(65535);
const seconds = (def: number, what: string) =>
  z.number().int().min(1).max(86_400).default(def).describe(`${what}, in seconds`);

export const PERMISSIONS = ['list', 'read', 'write', 'delete', 'rename', 'mkdir', 'rmdir'] as const;
export type Permission = (typeof PERMISSIONS)[number];
export const PERMISSION_PRESETS: Record<'full' | 'read-only', readonly Permission[]> = {
  full: PERMISSIONS,
  'read-only': ['list', 'read'],
};

export const TLS_MODES = ['disabled', 'optional', 'required'] as const;
export type TlsMode = (typeof TLS_MODES)[number];

const tlsVersion = z.enum(['TLSv1.2', 'TLSv1.3']);

export const serverSchema = z
  .strictObject({
    enabled: z.boolean().default(true).describe('Run the FTP service; off closes the FTP listeners (sessions already open continue, the admin page stays up)'),
    host: z.string().min(1).default('0.0.0.0').describe('Address the FTP control port listens on (0.0.0.0 = all IPv4 interfaces)'),
    port: port.default(2121).describe('Explicit FTP/FTPES control port (21 is the standard port and needs privileges)'),
    banner: z.string().max(512).default('Ferry FTP server ready').describe('Text of the 220 greeting (never reveals the version)'),
    maxClients: z.number().int().min(1).max(100_000).default(200).describe('Most simultaneous control connections'),
    maxClientsPerIp: z.number().int().min(1).max(100_000).default(20).describe('Most simultaneous control connections from one IP address'),
    maxLineLength: z.number().int().min(512).max(65_536).default(4096).describe('Longest command line accepted, in bytes; longer lines are refused with 500'),
    maxLoginAttempts: z.number().int().min(1).max(100).default(3).describe('Failed logins allowed on one connection before it is closed'),
    maxSessionsPerUser: z.number().int().min(1).max(100_000).default(10).describe('Most simultaneous logged-in sessions of one user'),
    shutdownGraceSeconds: z.number().int().min(0).max(3600).default(30).describe('On SIGTERM/SIGINT, how long running transfers may finish before they are cut'),
  })
  .prefault({});

export const timeoutsSchema = z
  .strictObject({
    login: seconds(60, 'Time a new connection has to log in'),
    idle: seconds(900, 'Idle time after which a logged-in session is closed'),
    dataConnect: seconds(30, 'Time the client has to open a data connection after PASV/EPSV/PORT'),
    dataIdle: seconds(300, 'Time a data transfer may stall before it is aborted'),
  })
  .prefault({});

export const passiveSchema = z
  .strictObject({
    minPort: port.default(50000).describe('Lowest passive data port (0 with maxPort 0: any free port)'),
    maxPort: port.default(50999).describe('Highest passive data port'),
    address: z.ipv4().optional().describe('Address advertised in PASV replies, for servers behind NAT (masquerade address); default: the address the client connected to'),
    allowForeignAddress: z.boolean().default(false).describe('Allow data connections from, and PORT/EPRT to, addresses other than the client\'s own (FXP); off per RFC 2577'),
  })
  .prefault({})
  .refine((p) => p.minPort <= p.maxPort, { message: 'minPort must not be greater than maxPort', path: ['minPort'] });

export const activeSchema = z
  .strictObject({
    enabled: z.boolean().default(true).describe('Allow active mode (PORT/EPRT)'),
  })
  .prefault({});

export const tlsSchema = z
  .strictObject({
    mode: z.enum(TLS_MODES).default('required').describe('disabled: plain FTP only; optional: FTPES offered, plain allowed; required: "TLS only", plain logins and data refused'),
    control: z.enum(['optional', 'required']).optional().describe('Override for the control connection (default: follows mode)'),
    data: z.enum(['optional', 'required']).optional().describe('Override for data connections (default: follows mode)'),
    certFile: z.string().optional().describe('Certificate chain (PEM file); default: generated into the data folder on first start'),
    keyFile: z.string().optional().describe('Private key (PEM file)'),
    cert: z.string().optional().describe('Certificate chain as inline PEM (the "paste" workflow); wins over certFile'),
    key: z.string().optional().describe('Private key as inline PEM; wins over keyFile'),
    passphrase: z.string().optional().describe('Passphrase of an encrypted private key'),
    minVersion: tlsVersion.default('TLSv1.2').describe('Oldest TLS version accepted'),
    ciphers: z.string().optional().describe('OpenSSL cipher list; TLS 1.3 suites start with TLS_ (default: Node\'s modern list, AES-128-GCM first)'),
    requireSessionReuse: z.boolean().default(true).describe('Protected data connections must resume the TLS session of their control connection (stops data port theft)'),
    implicit: z
      .strictObject({
        enabled: z.boolean().default(true).describe('Also listen for implicit FTPS (TLS from the first byte)'),
        port: port.default(9990).describe('Implicit FTPS port (990 by convention; needs privileges)'),
      })
      .prefault({}),
  })
  .prefault({});

export const storageSchema = z
  .strictObject({
    root: z.string().default('data/files').describe('Folder that holds the users\' home folders (relative paths are relative to the config file)'),
    hiddenStores: z.boolean().default(true).describe('Write uploads to a hidden temporary file and rename on success, so a failed upload never replaces a good file'),
    partialUploads: z
      .enum(['delete', 'keep'])
      .default('delete')
      .describe('What an interrupted upload leaves: delete (the folder is as before the upload) or keep (the partial file stays, to resume with REST/APPE; an existing file is still never replaced)'),
    sendfile: z
      .boolean()
      .default(true)
      .describe('Send plain (unencrypted) binary downloads with the kernel\'s sendfile(2), as vsftpd and ProFTPD do, when Ferry\'s native helper is built (Linux); off: read into Ferry\'s buffers and write them. TLS downloads always go through Ferry\'s buffers'),
    downloadThreads: z
      .number()
      .int()
      .min(0)
      .max(1024)
      .default(16)
      .describe('How many plain sendfile downloads (storage.sendfile) may each be sent on a thread of their own at once, as vsftpd\'s and ProFTPD\'s processes send: the thread waits for room in the data connection and does the file\'s reads, so a slow disk holds up no one else. A file that fits the socket in one go is sent from the event loop. Downloads beyond that number, and every one with 0, are sent from Ferry\'s event loop (its reads then wait there)'),
    uploadThreads: z
      .number()
      .int()
      .min(0)
      .max(1024)
      .default(16)
      .describe('How many plain (unencrypted) binary uploads may each be received on a thread of their own at once: it reads the data connection and writes the file, as vsftpd\'s and ProFTPD\'s processes do (needs Ferry\'s native helper, Linux). Uploads beyond that, TLS and ASCII uploads, and every upload with 0 are read on Ferry\'s event loop'),
    overwrite: z.boolean().default(true).describe('Allow STOR to replace an existing file (users also need the delete permission)'),
    umask: z
      .string()
      .regex(/^0?[0-7]{3}$/, 'an octal mask such as 022')
      .default('022')
      .describe('Permission bits removed from new files and folders'),
  })
  .prefault({});

export const securitySchema = z
  .strictObject({
    loginFailureDelayMs: z.number().int().min(0).max(10_000).default(1000).describe('Delay before answering a failed login, growing with each failure on the connection (n x this), in milliseconds'),
    ban: z
      .strictObject({
        enabled: z.boolean().default(true).describe('Temporarily ban an IP address after repeated failed logins'),
        maxFailures: z.number().int().min(1).max(10_000).default(10).describe('Failed logins from one IP address within the window that trigger a ban'),
        windowSeconds: z.number().int().min(1).max(86_400).default(600).describe('Window in which failures are counted, in seconds'),
        banSeconds: z.number().int().min(1).max(604_800).default(900).describe('How long a ban lasts, in seconds'),
      })
      .prefault({}),
    userLockout: z
      .strictObject({
        enabled: z.boolean().default(false).describe('Lock an account after repeated failed logins (from any address)'),
        maxFailures: z.number().int().min(1).max(10_000).default(10).describe('Failed logins within the window that lock the account'),
        windowSeconds: z.number().int().min(1).max(86_400).default(600).describe('Window in which failures are counted, in seconds'),
        lockSeconds: z.number().int().min(1).max(604_800).default(900).describe('How long the account stays locked, in seconds'),
      })
      .prefault({}),
  })
  .prefault({});

export const usersSchema = z
  .strictObject({
    file: z.string().default('users.yaml').describe('Users file (YAML, scrypt hashes); manage it with `ferry user`'),
    anonymous: z
      .strictObject({
        enabled: z.boolean().default(false).describe('Allow anonymous (read-only) logins as "anonymous" or "ftp"'),
        home: z.string().default('anonymous').describe('Anonymous home folder, relative to storage.root'),
      })
      .prefault({}),
  })
  .prefault({});

export const loggingSchema = z
  .strictObject({
    level: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info').describe('Log level'),
    pretty: z.enum(['auto', 'always', 'never']).default('auto').describe('Human-readable logs (auto: when writing to a terminal)'),
    xferlog: z.string().optional().describe('Write a transfer log in the xferlog format (as ProFTPD and vsftpd do) to this file'),
  })
  .prefault({});

/** 127.0.0.0/8, ::1 and localhost: addresses only this machine can reach. */
export function isLoopbackHost(host: string): boolean {
  const h = host.trim().toLowerCase().replace(/^\[|\]$/g, '');
  return h === 'localhost' || h === '::1' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(h) || /^::ffff:127\./.test(h);
}

export const adminSchema = z
  .strictObject({
    enabled: z.boolean().default(true).describe('Serve the web admin page (status, FTP service, TLS, users, sessions) and /metrics'),
    host: z.string().min(1).default('127.0.0.1').describe('Address the admin page listens on; off loopback it is served over HTTPS only'),
    port: port.default(8021).describe('Admin page port'),
    https: z
      .enum(['auto', 'always', 'never'])
      .default('auto')
      .describe('auto: HTTPS unless host is a loopback address; always: HTTPS; never: plain HTTP, allowed only on loopback. HTTPS uses Ferry\'s FTP certificate'),
    accountsFile: z.string().default('admins.yaml').describe('Admin accounts (scrypt hashes); the first start creates "admin" and prints its password once; change it with `ferry admin passwd`'),
    auditLog: z.string().default('audit.log').describe('Audit log: every change made on the admin page, who, from where, old and new values (secrets masked)'),
    sessionMinutes: z.number().int().min(1).max(1440).default(30).describe('Admin login session idle timeout, in minutes'),
    publicMetrics: z.boolean().default(false).describe('Serve /metrics without a login (Prometheus on a trusted network); otherwise it needs an admin login or HTTP Basic auth'),
  })
  .prefault({})
  .refine((a) => a.https !== 'never' || isLoopbackHost(a.host), {
    message: 'plain HTTP is allowed only on a loopback address (127.0.0.1, ::1, localhost); use https: auto or always',
    path: ['https'],
  });

export const configSchema = z
  .strictObject({
    server: serverSchema,
    timeouts: timeoutsSchema,
    passive: passiveSchema,
    active: activeSchema,
    tls: tlsSchema,
    storage: storageSchema,
    security: securitySchema,
    users: usersSchema,
    logging: loggingSchema,
    admin: adminSchema,
  })
  .strict();

export type FerryConfig = z.infer<typeof configSchema>;
export type FerryConfigInput = z.input<typeof configSchema>;

// ---- users file ----

export const userTlsOverride = z.enum(['inherit', 'optional', 'required']);

export const userRecordSchema = z
  .strictObject({
    name: z
      .string()
      .min(1)
      .max(64)
      .regex(/^[A-Za-z0-9._@-]+$/, 'letters, digits, ".", "_", "@" and "-" only'),
    password: z.string().min(1).describe('scrypt hash written by `ferry user add|passwd` (never a plain password)'),
    home: z.string().optional().describe('Home folder; relative to storage.root (default: the user name)'),
    permissions: z
      .union([z.enum(['full', 'read-only']), z.array(z.enum(PERMISSIONS))])
      .default('full')
      .describe('"full", "read-only", or a list of: ' + PERMISSIONS.join(', ')),
    enabled: z.boolean().default(true),
    tls: userTlsOverride.default('inherit').describe('Per-user TLS requirement override'),
    requireSessionReuse: z.boolean().optional().describe('Per-user override of tls.requireSessionReuse (for clients that cannot resume TLS sessions)'),
  })
  .strict();

export const usersFileSchema = z.object({ users: z.array(userRecordSchema).default([]) }).strict();

export type UserRecord = z.infer<typeof userRecordSchema>;
export type UsersFile = z.infer<typeof usersFileSchema>;

export function resolvePermissions(p: UserRecord['permissions']): ReadonlySet<Permission> {
  return new Set(typeof p === 'string' ? PERMISSION_PRESETS[p] : p);
}
