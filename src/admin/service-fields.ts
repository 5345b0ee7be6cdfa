// The "FTP service" form: which config keys it edits, grouped as on a NAS FTP page, with their labels.
// Types, ranges, defaults and help texts come from the schema (config-fields.ts), not from here.

export interface FieldGroup {
  legend: string;
  /** Shown folded (details/summary): settings most people never change. */
  advanced?: boolean;
  fields: ReadonlyArray<readonly [key: string, label: string]>;
}

export const SERVICE_GROUPS: readonly FieldGroup[] = [
  {
    legend: 'Connections',
    fields: [
      ['server.enabled', 'Enable the FTP service'],
      ['server.port', 'Port (FTP/FTPES)'],
      ['server.maxClients', 'Maximum clients'],
      ['server.maxClientsPerIp', 'Maximum connections per IP address'],
      ['server.maxSessionsPerUser', 'Maximum sessions per user'],
      ['server.maxLoginAttempts', 'Maximum login attempts per connection'],
      ['server.banner', 'Welcome message (banner)'],
    ],
  },
  {
    legend: 'Timeouts',
    fields: [
      ['timeouts.login', 'Login timeout (s)'],
      ['timeouts.idle', 'Idle timeout (s)'],
      ['timeouts.dataConnect', 'Data connection timeout (s)'],
      ['timeouts.dataIdle', 'Stalled transfer timeout (s)'],
    ],
  },
  {
    legend: 'Passive mode, active mode and FXP',
    fields: [
      ['passive.minPort', 'Passive port range: from'],
      ['passive.maxPort', 'Passive port range: to'],
      ['passive.address', 'External IP address for passive mode (masquerade)'],
      ['passive.allowForeignAddress', 'Allow FXP (foreign data addresses)'],
      ['active.enabled', 'Allow active mode (PORT/EPRT)'],
    ],
  },
  {
    legend: 'Uploads and files',
    fields: [
      ['storage.partialUploads', 'Interrupted uploads (keep = resumable)'],
      ['storage.hiddenStores', 'Hidden uploads (temporary file until complete)'],
      ['storage.overwrite', 'Allow overwriting files'],
      ['storage.umask', 'Umask'],
    ],
  },
  {
    legend: 'Anonymous access',
    fields: [
      ['users.anonymous.enabled', 'Allow anonymous login (read-only)'],
      ['users.anonymous.home', 'Anonymous folder'],
    ],
  },
  {
    legend: 'Brute-force protection',
    advanced: true,
    fields: [
      ['security.loginFailureDelayMs', 'Delay after a failed login (ms)'],
      ['security.ban.enabled', 'Ban addresses after repeated failures'],
      ['security.ban.maxFailures', 'Failures before a ban'],
      ['security.ban.windowSeconds', 'Ban: counting window (s)'],
      ['security.ban.banSeconds', 'Ban duration (s)'],
      ['security.userLockout.enabled', 'Lock accounts after repeated failures'],
      ['security.userLockout.maxFailures', 'Failures before a lock'],
      ['security.userLockout.windowSeconds', 'Lock: counting window (s)'],
      ['security.userLockout.lockSeconds', 'Lock duration (s)'],
    ],
  },
];

export const SERVICE_KEYS: readonly string[] = SERVICE_GROUPS.flatMap((g) => g.fields.map(([key]) => key));
