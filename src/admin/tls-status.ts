// What the admin page shows about the certificate in use: where it comes from, its summary, the private
// key's type and whether it matches (never the key itself), and the certificate checks' findings.
import { createPrivateKey } from 'node:crypto';
import { existsSync } from 'node:fs';
import path from 'node:path';
import type { FerryConfig } from '../config/schema.js';
import { isFerryError } from '../errors/ferry-error.js';
import { checkCertificate, type CertificateFinding } from '../tls/certificate-check.js';
import { inspectCertificate, type CertificateInfo } from '../tls/certificate-inspect.js';
import { keyFilePermissionWarning, loadCertificateMaterial, type CertificateMaterial } from '../tls/certificate-load.js';

export interface KeySummary {
  /** 'EC P-256', 'RSA 2048 bits', ... */
  description: string;
  matches: boolean;
}

export interface TlsStatus {
  /** inline: pasted or generated on the admin page (in the config); file: tls.certFile/keyFile; generated: first-start certificate; none. */
  source: 'inline' | 'file' | 'generated' | 'none';
  certFile?: string;
  keyFile?: string;
  info?: CertificateInfo;
  key?: KeySummary;
  findings: CertificateFinding[];
  /** Other warnings: a private key file others can read. */
  warnings: string[];
  /** Why the material could not be read at all. */
  error?: string;
}

/** The configured material, or the first-start generated one; undefined when there is none yet. */
export async function currentMaterial(config: FerryConfig, baseDir: string, tlsDir: string): Promise<{ material: CertificateMaterial; generated: boolean } | undefined> {
  const configured = await loadCertificateMaterial(config.tls, baseDir);
  if (configured) return { material: configured, generated: false };
  const certFile = path.join(tlsDir, 'cert.pem');
  const keyFile = path.join(tlsDir, 'key.pem');
  if (!existsSync(certFile) || !existsSync(keyFile)) return undefined;
  const material = await loadCertificateMaterial({ certFile, keyFile }, baseDir);
  return material && { material, generated: true };
}

function describeKey(material: CertificateMaterial): string {
  try {
    const key = createPrivateKey({ key: material.keyPem, format: 'pem', ...(material.passphrase ? { passphrase: material.passphrase } : {}) });
    const d = key.asymmetricKeyDetails ?? {};
    const type = (key.asymmetricKeyType ?? 'unknown').toUpperCase();
    if (d.namedCurve) return `${type} ${d.namedCurve === 'prime256v1' ? 'P-256' : d.namedCurve === 'secp384r1' ? 'P-384' : d.namedCurve}`;
    return d.modulusLength ? `${type} ${d.modulusLength} bits` : type;
  } catch {
    return 'unreadable';
  }
}

/** `tlsDir`: where the first start put its generated certificate. */
export async function tlsStatus(config: FerryConfig, baseDir: string, tlsDir: string): Promise<TlsStatus> {
  let found;
  try {
    found = await currentMaterial(config, baseDir, tlsDir);
  } catch (err) {
    return { source: 'none', findings: [], warnings: [], error: isFerryError(err) ? err.message : (err as Error).message };
  }
  if (!found) return { source: 'none', findings: [], warnings: [] };
  const { material, generated } = found;
  const findings = checkCertificate({ certPem: material.certPem, keyPem: material.keyPem, ...(material.passphrase ? { passphrase: material.passphrase } : {}) });
  let info: CertificateInfo | undefined;
  try {
    info = inspectCertificate(material.certPem);
  } catch {
    info = undefined;
  }
  const unusableKey = findings.some((f) => ['KEY_UNPARSEABLE', 'KEY_PASSPHRASE_MISSING', 'KEY_PASSPHRASE_WRONG', 'KEY_MISMATCH', 'CHAIN_ORDER', 'CERT_UNPARSEABLE'].includes(f.code));
  return {
    source: generated ? 'generated' : material.source,
    ...(material.certFile ? { certFile: material.certFile } : {}),
    ...(material.keyFile ? { keyFile: material.keyFile } : {}),
    ...(info ? { info } : {}),
    key: { description: describeKey(material), matches: !unusableKey },
    findings,
    warnings: material.keyFile ? [await keyFilePermissionWarning(material.keyFile)].filter((w): w is string => w !== undefined) : [],
  };
}
