// The admin page's audit log: one JSON line per change (when, which admin, from which address, what
// changed with old and new values). Secrets are masked before they reach the file: a key or password
// is only ever "set", "changed" or "removed", a certificate is named by its SHA-256 fingerprint.
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { inspectCertificate } from '../tls/certificate-inspect.js';
import { allConfigKeys, valueAt } from './config-fields.js';

export interface AuditChange {
  key: string;
  old: unknown;
  new: unknown;
}

export interface AuditEntry {
  time: string;
  admin: string;
  address: string;
  action: string;
  /** What the action was about (a user name, a session id). */
  target?: string;
  changes?: AuditChange[];
  result?: 'ok' | 'failed';
}

const SECRET_KEY = /(^|\.)(key|passphrase|password)$/i;
const CERTIFICATE_KEY = /(^|\.)cert$/;

const MASK = /^\((set|not set|changed|removed)\)$/;
const alreadyMasked = (v: unknown) => v === undefined || (typeof v === 'string' && MASK.test(v));

function describeCertificate(pem: unknown): string {
  if (typeof pem !== 'string') return String(pem);
  if (pem.startsWith('certificate ')) return pem; // already described
  try {
    return `certificate SHA-256 ${inspectCertificate(pem).fingerprintSha256}`;
  } catch {
    return 'certificate (unreadable)';
  }
}

/** Old/new values as the audit log may show them (idempotent: masking a masked change keeps it). */
export function maskChange(change: AuditChange): AuditChange {
  if (SECRET_KEY.test(change.key)) {
    if (alreadyMasked(change.old) && alreadyMasked(change.new)) return change; // masking twice changes nothing
    const was = change.old !== undefined && change.old !== '';
    const is = change.new !== undefined && change.new !== '';
    return { key: change.key, old: was ? '(set)' : '(not set)', new: is ? (was ? '(changed)' : '(set)') : '(removed)' };
  }
  if (CERTIFICATE_KEY.test(change.key)) {
    return { key: change.key, old: change.old === undefined ? undefined : describeCertificate(change.old), new: change.new === undefined ? undefined : describeCertificate(change.new) };
  }
  return change;
}

/** Every leaf key whose value differs between two configs, masked. */
export function diffConfigs(before: unknown, after: unknown): AuditChange[] {
  const changes: AuditChange[] = [];
  for (const key of allConfigKeys()) {
    const a = valueAt(before, key);
    const b = valueAt(after, key);
    if (JSON.stringify(a) !== JSON.stringify(b)) changes.push(maskChange({ key, old: a, new: b }));
  }
  return changes;
}

export class AuditLog {
  #writing: Promise<void> = Promise.resolve();

  constructor(readonly file: string) {}

  /** Appends one entry (secrets in `changes` are masked here too, as a second line of defence). */
  append(entry: Omit<AuditEntry, 'time'>): Promise<void> {
    const line: AuditEntry = { time: new Date().toISOString(), ...entry, ...(entry.changes ? { changes: entry.changes.map(maskChange) } : {}) };
    this.#writing = this.#writing.then(async () => {
      await fs.mkdir(path.dirname(this.file), { recursive: true });
      await fs.appendFile(this.file, `${JSON.stringify(line)}\n`, { mode: 0o600 });
    });
    return this.#writing;
  }

  /** The newest `limit` entries, newest first; unreadable lines are skipped. */
  async recent(limit = 100): Promise<AuditEntry[]> {
    await this.#writing.catch(() => undefined);
    let text: string;
    try {
      text = await fs.readFile(this.file, 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw err;
    }
    const entries: AuditEntry[] = [];
    for (const line of text.split('\n').reverse()) {
      if (!line.trim()) continue;
      try {
        entries.push(JSON.parse(line) as AuditEntry);
      } catch {
        continue;
      }
      if (entries.length >= limit) break;
    }
    return entries;
  }
}
