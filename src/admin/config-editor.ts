// Edits the config file for the admin page: form values become YAML Document edits (comments and key
// order kept), the result is validated with the same zod schema as at start, applied to the running
// server, and only then written atomically (temporary file and rename, previous version kept as .bak).
import { readFile } from 'node:fs/promises';
import YAML, { Scalar, type Document } from 'yaml';
import type { z } from 'zod';
import { configSchema, type FerryConfig } from '../config/schema.js';
import { isFerryError } from '../errors/ferry-error.js';
import { writeFileAtomic } from '../config/write-file-atomic.js';
import { diffConfigs, type AuditChange } from './audit-log.js';
import { valueAt } from './config-fields.js';
import type { ConfigChange } from './form-values.js';

/** Messages by dotted key (shown next to the field), and messages that belong to no field. */
export interface ValidationErrors {
  fields: Record<string, string>;
  general: string[];
}

export type SaveOutcome = { ok: true; changes: AuditChange[]; config: FerryConfig } | ({ ok: false } & ValidationErrors);

export interface SaveOptions {
  /** Extra checks on the validated config before it is applied (the certificate checks); errors stop the save. */
  check?(next: FerryConfig): Promise<ValidationErrors | undefined> | ValidationErrors | undefined;
}

/** zod issues as messages by key; a key-less issue is general. */
export function issuesToErrors(issues: readonly z.core.$ZodIssue[]): ValidationErrors {
  const errors: ValidationErrors = { fields: {}, general: [] };
  for (const issue of issues) {
    if (issue.code === 'unrecognized_keys') {
      const parent = issue.path.join('.');
      errors.general.push(`${issue.keys.map((k) => (parent ? `${parent}.${k}` : k)).join(', ')}: unknown key in the config file`);
      continue;
    }
    const key = issue.path.join('.');
    if (key) errors.fields[key] ??= issue.message;
    else errors.general.push(issue.message);
  }
  return errors;
}

export class ConfigEditor {
  #saving: Promise<unknown> = Promise.resolve();

  constructor(
    readonly file: string,
    private readonly apply: (next: FerryConfig) => Promise<void>,
  ) {}

  /** The config as the file says now (defaults filled in). */
  async read(): Promise<FerryConfig> {
    const { config } = await this.load();
    if (!config) throw new Error(`${this.file}: the config file is not valid any more; fix it by hand (ferry check-config)`);
    return config;
  }

  /**
   * Sets `changes` in the file, validates, applies live and writes. Nothing is written or applied
   * unless everything is valid. Saves run one at a time.
   */
  save(changes: readonly ConfigChange[], options: SaveOptions = {}): Promise<SaveOutcome> {
    const run = this.#saving.then(() => this.saveNow(changes, options));
    this.#saving = run.catch(() => undefined);
    return run;
  }

  private async load(): Promise<{ text: string; doc: Document; config: FerryConfig | undefined }> {
    const text = await readFile(this.file, 'utf8');
    const doc = YAML.parseDocument(text);
    if (doc.errors.length > 0) throw new Error(`${this.file}: YAML syntax error: ${doc.errors[0]!.message.split('\n')[0]}`);
    const parsed = configSchema.safeParse(doc.toJS() ?? {});
    return { text, doc, config: parsed.success ? parsed.data : undefined };
  }

  private async saveNow(changes: readonly ConfigChange[], options: SaveOptions): Promise<SaveOutcome> {
    let loaded: Awaited<ReturnType<ConfigEditor['load']>>;
    try {
      loaded = await this.load();
    } catch (err) {
      return { ok: false, fields: {}, general: [(err as Error).message] };
    }
    const { doc, config: before } = loaded;
    const raw = doc.toJS() ?? {};
    let edited = false;
    for (const { key, value } of changes) {
      const current = valueAt(before ?? raw, key);
      if (JSON.stringify(current) === JSON.stringify(value)) continue;
      const path = key.split('.');
      if (value === undefined) {
        if (doc.hasIn(path)) doc.deleteIn(path);
      } else {
        doc.setIn(path, toNode(doc, value));
      }
      edited = true;
    }
    if (!edited && before) return { ok: true, changes: [], config: before };

    const parsed = configSchema.safeParse(doc.toJS() ?? {});
    if (!parsed.success) return { ok: false, ...issuesToErrors(parsed.error.issues) };
    const next = parsed.data;
    const problems = await options.check?.(next);
    if (problems && (problems.general.length > 0 || Object.keys(problems.fields).length > 0)) return { ok: false, ...problems };

    try {
      await this.apply(next);
    } catch (err) {
      return { ok: false, ...applyErrors(err, changes) };
    }
    try {
      await writeFileAtomic(this.file, doc.toString(), { backup: `${this.file}.bak` });
    } catch (err) {
      // The file keeps the old settings, so the server must too.
      if (before) await this.apply(before).catch(() => undefined);
      return { ok: false, fields: {}, general: [`The settings were not saved: ${(err as Error).message}`] };
    }
    return { ok: true, changes: diffConfigs(before ?? raw, next), config: next };
  }
}

/** Multi-line text (a pasted PEM) is written as a YAML block literal, readable in the file. */
function toNode(doc: Document, value: unknown): unknown {
  const node = doc.createNode(value);
  if (typeof value === 'string' && value.includes('\n') && node instanceof Scalar) node.type = Scalar.BLOCK_LITERAL;
  return node;
}

/** A failure to apply (a port in use, a bad anonymous folder) shown next to the field that caused it. */
function applyErrors(err: unknown, changes: readonly ConfigChange[]): ValidationErrors {
  const e = err as NodeJS.ErrnoException;
  if (e.code === 'EADDRINUSE' || e.code === 'EACCES' || e.code === 'EADDRNOTAVAIL') {
    const key = ['server.port', 'tls.implicit.port', 'server.host', 'tls.implicit.enabled', 'tls.mode'].find((k) => changes.some((c) => c.key === k)) ?? 'server.port';
    const why = e.code === 'EADDRINUSE' ? 'the port is in use by another program' : e.code === 'EACCES' ? 'ports below 1024 need privileges' : 'the address is not available on this machine';
    return { fields: { [key]: `Cannot listen there: ${why}. Nothing was changed.` }, general: [] };
  }
  if (isFerryError(err)) {
    const m = /^([a-zA-Z.]+): (.*)$/s.exec(err.message);
    if (m && changes.some((c) => c.key === m[1])) return { fields: { [m[1]!]: m[2]! }, general: [] };
    return { fields: {}, general: [err.message] };
  }
  return { fields: {}, general: [`The change could not be applied: ${(err as Error).message}`] };
}
