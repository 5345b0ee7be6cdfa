// Typed events a running server emits, for metrics, the admin page and logs: logins, transfers,
// TLS handshakes (with whether a data connection resumed its control session) and sessions.
import { EventEmitter } from 'node:events';
import type { TransferRecord } from '../session/session.js';

export interface ServerEventMap {
  'session-start': [{ id: string; remoteAddress: string; implicitTls: boolean }];
  'session-end': [{ id: string; user: string | undefined; durationMs: number }];
  login: [{ user: string; remoteAddress: string; ok: boolean }];
  transfer: [TransferRecord];
  'tls-handshake': [{ channel: 'control' | 'data'; protocol: string | null; resumed: boolean }];
}

export class ServerEvents extends EventEmitter<ServerEventMap> {}
