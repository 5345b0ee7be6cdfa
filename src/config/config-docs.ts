// Generates the commented default config file and the README's configuration reference from the
// zod schema (through its JSON Schema form), so defaults and help texts live only in schema.ts.
import { z } from 'zod';
import { configSchema } from './schema.js';

interface JsonSchema {
  type?: string;
  description?: string;
  default?: unknown;
  enum?: unknown[];
  minimum?: number;
  maximum?: number;
  format?: string;
  properties?: Record<string, JsonSchema>;
}

function schemaTree(): JsonSchema {
  return z.toJSONSchema(configSchema, { io: 'input', unrepresentable: 'any' }) as JsonSchema;
}

function allowed(s: JsonSchema): string {
  if (s.enum) return s.enum.join(', ');
  if (s.format) return s.format === 'ipv4' ? 'IPv4 address' : s.format;
  if (s.minimum !== undefined && s.maximum !== undefined) return `${s.minimum}..${s.maximum}`;
  return s.type ?? '';
}

/** The config file written on first start: every key, its default, its help text as a comment. */
export function defaultConfigYaml(overrides: Record<string, Record<string, unknown>> = {}): string {
  const out = ['# Ferry configuration. Every key is optional; the values shown are the defaults.', '# Reference: README.md, "Configuration". Check with: ferry check-config', ''];
  for (const [section, s] of Object.entries(schemaTree().properties ?? {})) {
    out.push(`${section}:`);
    writeKeys(out, s, '  ', overrides[section] ?? {});
    out.push('');
  }
  return out.join('\n');
}

function writeKeys(out: string[], s: JsonSchema, indent: string, overrides: Record<string, unknown>): void {
  for (const [key, prop] of Object.entries(s.properties ?? {})) {
    if (prop.description) out.push(`${indent}# ${prop.description}`);
    if (prop.properties) {
      out.push(`${indent}${key}:`);
      writeKeys(out, prop, indent + '  ', (overrides[key] as Record<string, unknown>) ?? {});
    } else if (key in overrides) {
      out.push(`${indent}${key}: ${JSON.stringify(overrides[key])}`);
    } else if (prop.default !== undefined) {
      out.push(`${indent}${key}: ${JSON.stringify(prop.default)}`);
    } else {
      out.push(`${indent}# ${key}:`);
    }
  }
}

/** Markdown table rows for the README: key, default, allowed values, description. */
export function configReferenceMarkdown(): string {
  const rows = ['| key | default | allowed | description |', '| --- | --- | --- | --- |'];
  const walk = (s: JsonSchema, prefix: string) => {
    for (const [key, prop] of Object.entries(s.properties ?? {})) {
      const name = prefix ? `${prefix}.${key}` : key;
      if (prop.properties) walk(prop, name);
      else rows.push(`| \`${name}\` | ${prop.default === undefined ? '' : `\`${JSON.stringify(prop.default)}\``} | ${allowed(prop)} | ${(prop.description ?? '').replace(/\|/g, '\\|')} |`);
    }
  };
  walk(schemaTree(), '');
  return rows.join('\n');
}
