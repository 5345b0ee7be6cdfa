// The TLS/SSL page: the "TLS/SSL" and "TLS/SSL only" switches (finer settings folded), the certificate
// in use with the checks' findings and fixes, "paste certificate and key", and "generate self-signed".
// The private key is never shown: only that one is set, its type, and whether it matches.
import type { FerryConfig } from '../../config/schema.js';
import { DEFAULT_CERTIFICATE_DAYS, KEY_TYPES } from '../../tls/certificate-generate.js';
import { configField, valueAt } from '../config-fields.js';
import { modeToSwitches, TLS_ADVANCED_FIELDS } from '../tls-fields.js';
import type { TlsStatus } from '../tls-status.js';
import { csrfInput, formErrors, formField } from './form-field.js';
import { formatDate } from './format.js';
import { html, type SafeHtml } from './html.js';

export interface FormState {
  values: Record<string, unknown>;
  fieldErrors: Record<string, string>;
  general: string[];
}

export interface TlsPageData {
  csrf: string;
  config: FerryConfig;
  status: TlsStatus;
  settings?: FormState;
  paste?: FormState;
  generate?: FormState;
}

const SOURCES: Record<TlsStatus['source'], string> = {
  inline: 'pasted or generated on this page (stored in the config file)',
  file: 'certificate files',
  generated: 'generated on first start',
  none: 'none yet (one is generated when TLS is switched on)',
};

function certificateSummary(status: TlsStatus): SafeHtml {
  const { info, key } = status;
  if (status.error) return html`<p class="error">${status.error}</p>`;
  if (!info) return html`<p>${SOURCES[status.source]}</p>`;
  const daysLeft = Math.floor((info.notAfter.getTime() - Date.now()) / 86_400_000);
  return html`<dl class="facts">
<dt>Subject</dt><dd>${info.subject || '(empty)'}</dd>
<dt>Alternative names</dt><dd>${info.subjectAltNames.length ? info.subjectAltNames.join(', ') : '(none: clients cannot match a host name)'}</dd>
<dt>Issuer</dt><dd>${info.selfSigned ? `${info.issuer} (self-signed)` : info.issuer}</dd>
<dt>Valid</dt><dd>${formatDate(info.notBefore)} to ${formatDate(info.notAfter)} (${daysLeft >= 0 ? `${daysLeft} days left` : 'expired'})</dd>
<dt>SHA-256 fingerprint</dt><dd><code class="fingerprint" id="fingerprint">${info.fingerprintSha256}</code></dd>
<dt>Private key</dt><dd id="key-status">${key ? html`A key is set (${key.description}); ${key.matches ? 'it matches the certificate' : html`<strong>it does not match the certificate</strong>`}` : 'No key is set'}</dd>
<dt>Source</dt><dd>${SOURCES[status.source]}${status.certFile ? html` <code>${status.certFile}</code>` : ''}</dd>
</dl>`;
}

export function findingsList(status: TlsStatus): SafeHtml {
  if (status.findings.length === 0 && status.warnings.length === 0) return status.info ? html`<p class="ok-text">The certificate checks found no problem.</p>` : html``;
  return html`<ul class="findings">${status.findings.map((f) => html`<li class="${f.severity}"><strong>${f.severity === 'error' ? 'Error' : 'Warning'}:</strong> ${f.message}<br><span class="fix">Fix: ${f.fix}</span></li>`)}${status.warnings.map((w) => html`<li class="warning"><strong>Warning:</strong> ${w}</li>`)}</ul>`;
}

function settingsForm(data: TlsPageData): SafeHtml {
  const state = data.settings;
  const mode = configField('tls.mode');
  const switches = modeToSwitches(data.config.tls.mode);
  const v = (key: string) => (state ? state.values[key] ?? (configField(key).kind === 'boolean' ? false : '') : valueAt(data.config, key));
  const on = state ? state.values['tls.enabled'] === true : switches.on;
  const only = state ? state.values['tls.only'] === true : switches.only;
  const err = state?.fieldErrors ?? {};
  const advancedOpen = TLS_ADVANCED_FIELDS.some(([k]) => err[k]);
  return html`<form method="post" action="/tls" novalidate class="settings">
${csrfInput(data.csrf)}
${formErrors(state?.general ?? [])}
<fieldset><legend>Encryption</legend>
${formField({ name: 'tls.enabled', label: 'TLS/SSL (FTPES and implicit FTPS)', field: { kind: 'boolean', description: 'Offer encrypted connections. Off means plain FTP only, which sends passwords in clear text.', default: mode.default !== 'disabled', optional: false }, value: on, error: err['tls.mode'] })}
${formField({ name: 'tls.only', label: 'TLS/SSL only (refuse unencrypted logins and transfers)', field: { kind: 'boolean', description: mode.description, default: mode.default === 'required', optional: false }, value: only })}
${formField({ name: 'tls.minVersion', label: 'Minimum TLS version', field: configField('tls.minVersion'), value: v('tls.minVersion'), error: err['tls.minVersion'] })}
</fieldset>
<details${advancedOpen ? html` open` : ''}><summary>Advanced</summary><fieldset><legend>Advanced TLS settings</legend>
${TLS_ADVANCED_FIELDS.map(([key, label]) => formField({ name: key, label, field: configField(key), value: v(key), error: err[key], emptyLabel: 'follow the TLS/SSL switches' }))}
</fieldset></details>
<p><button type="submit">Save TLS settings</button></p>
</form>`;
}

function pasteForm(data: TlsPageData): SafeHtml {
  const state = data.paste;
  const err = state?.fieldErrors ?? {};
  return html`<form method="post" action="/tls/certificate" novalidate class="settings" id="paste">
${csrfInput(data.csrf)}
${formErrors(state?.general ?? [])}
${formField({ name: 'tls.cert', label: 'Certificate chain (PEM: server certificate first, then intermediates)', as: 'textarea', field: configField('tls.cert'), value: state?.values['tls.cert'], error: err['tls.cert'] })}
${formField({ name: 'tls.key', label: 'Private key (PEM; leave empty to keep the current key)', as: 'textarea', field: configField('tls.key'), value: '', error: err['tls.key'] })}
${formField({ name: 'tls.passphrase', label: 'Key passphrase (only for an encrypted key)', as: 'password', autocomplete: 'new-password', field: configField('tls.passphrase'), value: '', error: err['tls.passphrase'] })}
<p><button type="submit">Check and use this certificate</button></p>
</form>`;
}

function generateForm(data: TlsPageData): SafeHtml {
  const state = data.generate;
  const err = state?.fieldErrors ?? {};
  const v = (k: string, d: unknown) => state?.values[k] ?? d;
  return html`<form method="post" action="/tls/generate" novalidate class="settings" id="generate">
${csrfInput(data.csrf)}
${formErrors(state?.general ?? [])}
${formField({ name: 'commonName', label: 'Host name (common name)', field: { kind: 'string', description: 'The name clients connect to, e.g. nas.example.com; default: this machine\'s host name', default: undefined, optional: true }, value: v('commonName', ''), error: err.commonName })}
${formField({ name: 'subjectAltNames', label: 'Host names and IP addresses', field: { kind: 'string', description: 'Every name and address clients use, separated by commas or spaces, e.g. nas.example.com, 192.0.2.10', default: 'localhost, 127.0.0.1, ::1', optional: true }, value: v('subjectAltNames', ''), error: err.subjectAltNames })}
${formField({ name: 'keyType', label: 'Key type', field: { kind: 'enum', enum: KEY_TYPES, description: 'ECDSA P-256 is fast and accepted by every current client', default: 'ec-p256', optional: false }, value: v('keyType', 'ec-p256'), error: err.keyType })}
${formField({ name: 'days', label: 'Valid for (days)', field: { kind: 'integer', minimum: 1, maximum: 36500, description: 'Validity in days (825 is the longest Apple clients accept)', default: DEFAULT_CERTIFICATE_DAYS, optional: false }, value: v('days', DEFAULT_CERTIFICATE_DAYS), error: err.days })}
<p><button type="submit">Generate and use</button></p>
</form>`;
}

export function tlsPage(data: TlsPageData): SafeHtml {
  return html`
<section aria-labelledby="h-settings"><h2 id="h-settings">TLS settings</h2>${settingsForm(data)}</section>
<section aria-labelledby="h-cert"><h2 id="h-cert">Certificate in use</h2>${certificateSummary(data.status)}${findingsList(data.status)}
<p class="help">New connections get a new certificate at once; open sessions keep the one they started with. Clients show the SHA-256 fingerprint when they ask you to trust the certificate: compare it with the one above.</p></section>
<section aria-labelledby="h-paste"><h2 id="h-paste">Use your own certificate</h2>${pasteForm(data)}</section>
<section aria-labelledby="h-generate"><h2 id="h-generate">Generate a self-signed certificate</h2>${generateForm(data)}</section>`;
}
