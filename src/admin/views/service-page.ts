// The "FTP service" page: every NAS-style FTP setting Ferry has, each with its schema help text and
// default, and the schema's error next to the field after a failed save.
import { configField, valueAt } from '../config-fields.js';
import { SERVICE_GROUPS } from '../service-fields.js';
import { csrfInput, formErrors, formField } from './form-field.js';
import { html, type SafeHtml } from './html.js';

export interface ServicePageData {
  csrf: string;
  /** Config values, or the submitted form after a failed save. */
  values: unknown;
  /** True when `values` is the submitted form (keys are flat field names). */
  submitted: boolean;
  fieldErrors: Record<string, string>;
  general: string[];
}

export function servicePage(data: ServicePageData): SafeHtml {
  const value = (key: string) => (data.submitted ? (data.values as Record<string, unknown>)[key] ?? (configField(key).kind === 'boolean' ? false : '') : valueAt(data.values, key));
  const groups = SERVICE_GROUPS.map((group) => {
    const fields = group.fields.map(([key, label]) => formField({ name: key, label, field: configField(key), value: value(key), error: data.fieldErrors[key], emptyLabel: '(not set)' }));
    const inner = html`<fieldset><legend>${group.legend}</legend>${fields}</fieldset>`;
    const open = group.fields.some(([key]) => data.fieldErrors[key]);
    return group.advanced ? html`<details${open ? html` open` : ''}><summary>${group.legend}</summary>${inner}</details>` : inner;
  });
  return html`
<p class="lead">Changes apply at once without a restart: new connections use them, open sessions keep the settings they started with. A changed port is rebound (the old one stays until the new one works).</p>
${formErrors(data.general)}
<form method="post" action="/service" novalidate class="settings">
${csrfInput(data.csrf)}
${groups}
<p class="note">Not available in Ferry: bandwidth limits (there are none to set).</p>
<p><button type="submit">Save</button></p>
</form>`;
}
