// Turns submitted form fields into config values for the keys a form shows, without judging them:
// "70000" becomes 70000 and "abc" stays "abc", so the zod schema alone decides what is valid.
import { configField, type ConfigField } from './config-fields.js';

export type FormBody = Record<string, string | string[] | undefined>;

/** One value the form sets (`undefined`: remove the key, for optional keys left empty). */
export interface ConfigChange {
  key: string;
  value: unknown;
}

/** The single value of a form field (the last one if sent more than once), as text whatever was sent. */
export function formString(body: FormBody, name: string): string | undefined {
  const v: unknown = body[name];
  const last: unknown = Array.isArray(v) ? v[v.length - 1] : v;
  return last === undefined || last === null ? undefined : typeof last === 'object' ? JSON.stringify(last) : String(last);
}

export function formToValue(field: ConfigField, raw: string | undefined): unknown {
  if (field.kind === 'boolean') return raw === 'on' || raw === 'true' || raw === '1';
  const text = (raw ?? '').trim();
  if (text === '') return field.optional ? undefined : field.kind === 'integer' ? text : text;
  if (field.kind === 'integer') return /^-?\d+$/.test(text) ? Number(text) : text;
  return text;
}

/** Changes for `keys` read from the body; unchecked checkboxes are absent from a form post, so false. */
export function changesFromForm(body: FormBody, keys: readonly string[]): ConfigChange[] {
  return keys.map((key) => ({ key, value: formToValue(configField(key), formString(body, key)) }));
}
