// The TLS/SSL form: the NAS switches "TLS/SSL" and "TLS/SSL only" map onto tls.mode (off = disabled,
// on = optional, on + only = required); the finer keys sit behind an "advanced" fold.
import type { TlsMode } from '../config/schema.js';

export const TLS_BASIC_KEYS = ['tls.minVersion'] as const;
export const TLS_ADVANCED_FIELDS: ReadonlyArray<readonly [key: string, label: string]> = [
  ['tls.control', 'Control connection'],
  ['tls.data', 'Data connections'],
  ['tls.requireSessionReuse', 'Require TLS session reuse on data connections'],
  ['tls.implicit.enabled', 'Implicit FTPS listener'],
  ['tls.implicit.port', 'Implicit FTPS port'],
  ['tls.ciphers', 'TLS 1.2 cipher list'],
];
export const TLS_SETTINGS_KEYS: readonly string[] = [...TLS_BASIC_KEYS, ...TLS_ADVANCED_FIELDS.map(([k]) => k)];

export function switchesToMode(tlsOn: boolean, tlsOnly: boolean): TlsMode {
  if (!tlsOn) return 'disabled';
  return tlsOnly ? 'required' : 'optional';
}

export function modeToSwitches(mode: TlsMode): { on: boolean; only: boolean } {
  return { on: mode !== 'disabled', only: mode === 'required' };
}
