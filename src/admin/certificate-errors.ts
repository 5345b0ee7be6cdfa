// Runs the certificate checks on a config about to be saved and files each problem under the form
// field it belongs to (certificate, private key or passphrase), with the fix in the message.
import type { FerryConfig } from '../config/schema.js';
import { isFerryError } from '../errors/ferry-error.js';
import { checkCertificate, type CertificateFindingCode } from '../tls/certificate-check.js';
import { loadCertificateMaterial } from '../tls/certificate-load.js';
import type { ValidationErrors } from './config-editor.js';

const FIELD_OF: Record<CertificateFindingCode, 'tls.cert' | 'tls.key' | 'tls.passphrase'> = {
  CERT_UNPARSEABLE: 'tls.cert',
  CERT_NOT_YET_VALID: 'tls.cert',
  CERT_EXPIRED: 'tls.cert',
  CERT_EXPIRING_SOON: 'tls.cert',
  WEAK_SIGNATURE: 'tls.cert',
  CHAIN_ORDER: 'tls.cert',
  KEY_UNPARSEABLE: 'tls.key',
  KEY_MISMATCH: 'tls.key',
  KEY_TOO_SMALL: 'tls.key',
  KEY_PASSPHRASE_MISSING: 'tls.passphrase',
  KEY_PASSPHRASE_WRONG: 'tls.passphrase',
};

/** Errors (never warnings) of the certificate the config names; undefined when it is fit to serve. */
export async function certificateErrors(next: FerryConfig, baseDir: string): Promise<ValidationErrors | undefined> {
  let material;
  try {
    material = await loadCertificateMaterial(next.tls, baseDir);
  } catch (err) {
    if (!isFerryError(err)) throw err;
    const field = /^tls\.(cert|certFile)\b/.test(err.message) ? 'tls.cert' : /^tls\.(key|keyFile)\b/.test(err.message) ? 'tls.key' : undefined;
    return field ? { fields: { [field]: err.message }, general: [] } : { fields: {}, general: [err.message] };
  }
  if (!material) return undefined;
  const errors: ValidationErrors = { fields: {}, general: [] };
  const findings = checkCertificate({ certPem: material.certPem, keyPem: material.keyPem, ...(material.passphrase ? { passphrase: material.passphrase } : {}) });
  for (const f of findings.filter((x) => x.severity === 'error')) {
    const field = FIELD_OF[f.code];
    const text = `${f.message} Fix: ${f.fix}`;
    errors.fields[field] = errors.fields[field] ? `${errors.fields[field]} ${text}` : text;
  }
  return Object.keys(errors.fields).length > 0 ? errors : undefined;
}
