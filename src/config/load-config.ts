// Loads and validates the YAML config file against the zod schema. Errors name the key, the bad value
// and what is allowed ("server.port: 70000 is too big: at most 65535"). The loaded config is frozen.
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import YAML from 'yaml';
import type { z } from 'zod';
import { FerryError } from '../errors/ferry-error.js';
import { configSchema, type FerryConfig } from './schema.js';

export interface LoadedConfig {
  config: FerryConfig;
  /** Absolute path of the config file. */
  file: string;
  /** Folder relative paths in the config are resolved against. */
  baseDir: string;
}

function valueAt(input: unknown, keys: readonly PropertyKey[]): unknown {
  let v = input;
  for (const k of keys) v = v && typeof v === 'object' ? (v as Record<PropertyKey, unknown>)[k] : undefined;
  return v;
}

/** One line per problem: "key.path: message (got value)". Secrets are never echoed. */
export function formatConfigIssues(issues: readonly z.core.$ZodIssue[], input: unknown): string[] {
  return issues.flatMap((issue) => {
    if (issue.code === 'unrecognized_keys') {
      const parent = issue.path.map(String).join('.');
      return issue.keys.map((k) => `${parent ? `${parent}.` : ''}${k}: unknown key (check the spelling; see the README's configuration reference)`);
    }
    const key = issue.path.map((k) => (typeof k === 'number' ? `[${k}]` : String(k))).join('.').replace(/\.\[/g, '[') || '(top level)';
    const value = valueAt(input, issue.path);
    const secret = /key|passphrase|password|cert/i.test(key);
    const got = value === undefined || secret || typeof value === 'object' ? '' : ` (got ${JSON.stringify(value)})`;
    return [`${key}: ${issue.message}${got}`];
  });
}

export function parseConfig(input: unknown, source: string): FerryConfig {
  const result = configSchema.safeParse(input ?? {});
  if (!result.success) {
    const lines = formatConfigIssues(result.error.issues, input);
    throw new FerryError('CONFIG_INVALID', `${source}: invalid configuration:\n  ${lines.join('\n  ')}`);
  }
  return deepFreeze(result.data);
}

export async function loadConfig(file: string): Promise<LoadedConfig> {
  const abs = path.resolve(file);
  let text: string;
  try {
    text = await readFile(abs, 'utf8');
  } catch (err) {
    throw new FerryError('CONFIG_INVALID', `${abs}: cannot read config file: ${(err as Error).message}`, { cause: err });
  }
  const doc = YAML.parseDocument(text, { prettyErrors: true });
  if (doc.errors.length > 0) {
    // Only the first line: the rest quotes the file, which may hold a key or passphrase.
    throw new FerryError('CONFIG_INVALID', `${abs}: YAML syntax error: ${doc.errors[0]!.message.split('\n')[0]}`);
  }
  return { config: parseConfig(doc.toJS(), abs), file: abs, baseDir: path.dirname(abs) };
}

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object') {
    for (const v of Object.values(value)) deepFreeze(v);
    Object.freeze(value);
  }
  return value;
}
