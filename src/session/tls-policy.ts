// Effective TLS requirements for one session (RFC 4217 section 7): the server's tls.mode, refined by
// tls.control / tls.data, and overridden per user (like vsftpd's force_local_*_ssl, per account).
import type { FerryConfig } from '../config/schema.js';

export type Requirement = 'disabled' | 'optional' | 'required';

export interface UserTlsOverride {
  tls: 'inherit' | 'optional' | 'required';
  requireSessionReuse?: boolean;
}

function base(config: FerryConfig, which: 'control' | 'data'): Requirement {
  if (config.tls.mode === 'disabled') return 'disabled';
  return config.tls[which] ?? (config.tls.mode === 'required' ? 'required' : 'optional');
}

export function controlRequirement(config: FerryConfig, user?: UserTlsOverride): Requirement {
  const b = base(config, 'control');
  if (b === 'disabled' || !user || user.tls === 'inherit') return b;
  return user.tls;
}

export function dataRequirement(config: FerryConfig, user?: UserTlsOverride): Requirement {
  const b = base(config, 'data');
  if (b === 'disabled' || !user || user.tls === 'inherit') return b;
  return user.tls;
}

export function sessionReuseRequired(config: FerryConfig, user?: UserTlsOverride): boolean {
  return user?.requireSessionReuse ?? config.tls.requireSessionReuse;
}
