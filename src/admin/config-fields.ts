// What the admin forms know about a config key (type, default, range, allowed values, help text),
// read from the zod schema's JSON Schema form: the schema stays the only place these are written.
import { z } from 'zod';
import { configSchema } from '../config/schema.js';

export interface ConfigField {
  /** Dotted key, e.g. `server.port`: also the form field name. */
  key: string;
  kind: 'integer' | 'boolean' | 'enum' | 'string';
  description: string;
  default: unknown;
  /** No default: the key may be absent (an empty form field removes it). */
  optional: boolean;
  enum?: readonly string[];
  minimum?: number;
  maximum?: number;
  pattern?: string;
  format?: string;
}

interface JsonSchema {
  type?: string;
  description?: string;
  default?: unknown;
  enum?: string[];
  minimum?: number;
  maximum?: number;
  pattern?: string;
  format?: string;
  properties?: Record<string, JsonSchema>;
}

let tree: JsonSchema | undefined;

function schemaTree(): JsonSchema {
  tree ??= z.toJSONSchema(configSchema, { io: 'input', unrepresentable: 'any' }) as JsonSchema;
  return tree;
}

/** Field metadata for a leaf key; throws for keys the schema does not have (a programming error). */
export function configField(key: string): ConfigField {
  let node: JsonSchema | undefined = schemaTree();
  for (const part of key.split('.')) node = node?.properties?.[part];
  if (!node || node.properties) throw new Error(`no config key ${key}`);
  const kind: ConfigField['kind'] = node.enum ? 'enum' : node.type === 'integer' || node.type === 'number' ? 'integer' : node.type === 'boolean' ? 'boolean' : 'string';
  return {
    key,
    kind,
    description: node.description ?? '',
    default: node.default,
    optional: node.default === undefined,
    ...(node.enum ? { enum: node.enum } : {}),
    ...(node.minimum !== undefined ? { minimum: node.minimum } : {}),
    ...(node.maximum !== undefined ? { maximum: node.maximum } : {}),
    ...(node.pattern !== undefined ? { pattern: node.pattern } : {}),
    ...(node.format !== undefined ? { format: node.format } : {}),
  };
}

/** The value at a dotted key of a (parsed) config. */
export function valueAt(config: unknown, key: string): unknown {
  let v = config;
  for (const part of key.split('.')) v = v && typeof v === 'object' ? (v as Record<string, unknown>)[part] : undefined;
  return v;
}

/** Every leaf key of the schema, in schema order (for diffs). */
export function allConfigKeys(): string[] {
  const keys: string[] = [];
  const walk = (s: JsonSchema, prefix: string) => {
    for (const [k, p] of Object.entries(s.properties ?? {})) {
      const name = prefix ? `${prefix}.${k}` : k;
      if (p.properties) walk(p, name);
      else keys.push(name);
    }
  };
  walk(schemaTree(), '');
  return keys;
}
