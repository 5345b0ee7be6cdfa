// One labelled form control for a config key: label, input of the right kind, a help line with the
// schema's description and default, and the validation error right under it (aria-linked).
import type { ConfigField } from '../config-fields.js';
import { html, type SafeHtml } from './html.js';

export interface FieldView {
  /** Form field name (a config key, or a virtual field such as `tls.only`). */
  name: string;
  label: string;
  field: Pick<ConfigField, 'kind' | 'description' | 'default' | 'optional'> & Partial<Pick<ConfigField, 'enum' | 'minimum' | 'maximum'>>;
  /** The value to show: a config value, or the submitted text when re-showing a failed form. */
  value: unknown;
  error?: string;
  /** Text of the empty option of an optional select (default: "(not set)"). */
  emptyLabel?: string;
  /** Input type override (password, textarea). */
  as?: 'textarea' | 'password';
  autocomplete?: string;
}

export function fieldId(name: string): string {
  return `f-${name.replace(/[^A-Za-z0-9_-]/g, '-')}`;
}

function describeDefault(field: FieldView['field']): string {
  if (field.default === undefined) return '';
  if (field.kind === 'boolean') return `Default: ${field.default ? 'on' : 'off'}`;
  return `Default: ${String(field.default) === '' ? '(empty)' : String(field.default)}`;
}

export function formField(view: FieldView): SafeHtml {
  const id = fieldId(view.name);
  const { field } = view;
  const describedBy = `${id}-help${view.error ? ` ${id}-error` : ''}`;
  const invalid = view.error ? html` aria-invalid="true"` : '';
  const text = view.value === undefined || view.value === null ? '' : String(view.value);
  const help = html`<p class="help" id="${id}-help">${field.description}${describeDefault(field) ? html` <span class="default">· ${describeDefault(field)}</span>` : ''}</p>`;
  const error = view.error ? html`<p class="error" id="${id}-error">${view.error}</p>` : '';
  if (field.kind === 'boolean') {
    const checked = view.value === true || view.value === 'on' || view.value === 'true';
    return html`<div class="field check${view.error ? ' invalid' : ''}"><input type="checkbox" id="${id}" name="${view.name}"${checked ? html` checked` : ''} aria-describedby="${describedBy}"${invalid}> <label for="${id}">${view.label}</label>${help}${error}</div>`;
  }
  let control: SafeHtml;
  if (field.kind === 'enum') {
    const options = [...(field.optional ? [''] : []), ...(field.enum ?? [])];
    control = html`<select id="${id}" name="${view.name}" aria-describedby="${describedBy}"${invalid}>${options.map((o) => html`<option value="${o}"${o === text ? html` selected` : ''}>${o === '' ? (view.emptyLabel ?? '(not set)') : o}</option>`)}</select>`;
  } else if (view.as === 'textarea') {
    control = html`<textarea id="${id}" name="${view.name}" rows="8" spellcheck="false" autocomplete="off" aria-describedby="${describedBy}"${invalid}>${text}</textarea>`;
  } else if (field.kind === 'integer') {
    // type=number for phone keyboards; the form has novalidate, so the server's schema gives the errors.
    control = html`<input type="number" inputmode="numeric" id="${id}" name="${view.name}" value="${text}"${field.minimum !== undefined ? html` min="${field.minimum}"` : ''}${field.maximum !== undefined ? html` max="${field.maximum}"` : ''} aria-describedby="${describedBy}"${invalid}>`;
  } else {
    control = html`<input type="${view.as === 'password' ? 'password' : 'text'}" id="${id}" name="${view.name}" value="${view.as === 'password' ? '' : text}" autocomplete="${view.autocomplete ?? 'off'}" aria-describedby="${describedBy}"${invalid}>`;
  }
  return html`<div class="field${view.error ? ' invalid' : ''}"><label for="${id}">${view.label}</label>${control}${help}${error}</div>`;
}

/** Errors that belong to no field of the form, listed above it. */
export function formErrors(general: readonly string[]): SafeHtml {
  if (general.length === 0) return html``;
  return html`<div class="form-errors" role="alert"><p>Nothing was saved:</p><ul>${general.map((g) => html`<li>${g}</li>`)}</ul></div>`;
}

export function csrfInput(token: string): SafeHtml {
  return html`<input type="hidden" name="_csrf" value="${token}">`;
}
