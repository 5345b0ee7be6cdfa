// Reads what matters about a server certificate (names, validity, key, signature, fingerprints) for
// `ferry cert show`, the startup log and the certificate checks. Fingerprints use the uppercase
// colon-separated form FileZilla and WinSCP show, so users can compare them by eye.

import { X509Certificate } from 'node:crypto';
import { FerryError } from '../errors/ferry-error.js';
import { x509 } from './peculiar-x509.js';
import { readSignatureAlgorithm, type SignatureAlgorithm } from './signature-algorithm.js';

export interface CertificateInfo {
  /** RFC 4514 form, e.g. `CN=ftp.example.com, O=Example`. */
  subject: string;
  issuer: string;
  /** `DNS:localhost`, `IP:127.0.0.1`, `IP:::1`, `email:...`, `URI:...`. */
  subjectAltNames: string[];
  notBefore: Date;
  notAfter: Date;
  /** Uppercase hex, as OpenSSL and Node print it. */
  serial: string;
  /** 'RSA', 'RSA-PSS', 'EC', 'Ed25519', 'Ed448', 'DSA', ... */
  keyType: string;
  /** Modulus bits for RSA/DSA, curve size for EC, undefined for EdDSA. */
  keySize: number | undefined;
  /** NIST name where there is one (`P-256`), else OpenSSL's curve name; EC keys only. */
  curve?: string;
  /** OpenSSL's name, e.g. `sha256WithRSAEncryption`, `ecdsa-with-SHA256`, `sha1WithRSAEncryption`. */
  signatureAlgorithm: string;
  /** `SHA-256`, `SHA-1`, `MD5`...; undefined for EdDSA (hash built in) or unknown algorithms. */
  signatureHash: string | undefined;
  selfSigned: boolean;
  fingerprintSha256: string;
  fingerprintSha1: string;
  /** Certificates in the PEM; the first (the leaf) is the one described. */
  chainLength: number;
}

const PEM_CERTIFICATE = /-----BEGIN CERTIFICATE-----[\s\S]*?-----END CERTIFICATE-----/g;

const KEY_TYPE_NAMES: Record<string, string> = {
  rsa: 'RSA',
  'rsa-pss': 'RSA-PSS',
  dsa: 'DSA',
  ec: 'EC',
  ed25519: 'Ed25519',
  ed448: 'Ed448',
};

const CURVES: Record<string, { name: string; bits: number }> = {
  prime192v1: { name: 'P-192', bits: 192 },
  secp224r1: { name: 'P-224', bits: 224 },
  prime256v1: { name: 'P-256', bits: 256 },
  secp384r1: { name: 'P-384', bits: 384 },
  secp521r1: { name: 'P-521', bits: 521 },
};

const SAN_PREFIXES: Record<string, string> = {
  dns: 'DNS',
  ip: 'IP',
  email: 'email',
  url: 'URI',
  dn: 'DirName',
  guid: 'GUID',
  upn: 'UPN',
  id: 'RID',
};

/** The PEM blocks of every certificate in `pem`, in order. */
export function splitCertificateChain(pem: string): string[] {
  return pem.match(PEM_CERTIFICATE)?.map((block) => `${block}\n`) ?? [];
}

/** Throws FerryError('CERTIFICATE_INVALID') when `certPem` holds no parseable certificate. */
export function inspectCertificate(certPem: string): CertificateInfo {
  const chain = splitCertificateChain(certPem);
  const leafPem = chain[0];
  if (leafPem === undefined) {
    const hint = /-----BEGIN [A-Z ]*PRIVATE KEY-----/.test(certPem)
      ? 'it holds a private key, not a certificate (are the certificate and key swapped?)'
      : 'no "-----BEGIN CERTIFICATE-----" block was found';
    throw new FerryError('CERTIFICATE_INVALID', `The certificate is not a PEM certificate: ${hint}`);
  }

  let leaf: X509Certificate;
  let parsed: InstanceType<typeof x509.X509Certificate>;
  let signature: SignatureAlgorithm;
  try {
    leaf = new X509Certificate(leafPem);
    parsed = new x509.X509Certificate(leafPem);
    signature = readSignatureAlgorithm(leaf.raw);
  } catch (err) {
    throw new FerryError('CERTIFICATE_INVALID', `The certificate could not be parsed (${describeError(err)}); the PEM may be truncated or damaged`, { cause: err });
  }

  const key = describePublicKey(leaf);
  return {
    subject: parsed.subject,
    issuer: parsed.issuer,
    subjectAltNames: readSubjectAltNames(parsed, leaf),
    notBefore: parsed.notBefore,
    notAfter: parsed.notAfter,
    serial: leaf.serialNumber.toUpperCase(),
    ...key,
    signatureAlgorithm: signature.name,
    signatureHash: signature.hash ?? pssHash(signature.oid, parsed),
    selfSigned: isSelfSigned(leaf),
    fingerprintSha256: leaf.fingerprint256,
    fingerprintSha1: leaf.fingerprint,
    chainLength: chain.length,
  };
}

/** Multi-line summary for `ferry cert show`; `now` decides the "days left" note. */
export function formatCertificateInfo(info: CertificateInfo, now: Date = new Date()): string {
  const rows: Array<[string, string]> = [
    ['Subject', info.subject || '(empty)'],
    ['Issuer', info.selfSigned ? `${info.issuer} (self-signed)` : info.issuer],
    ['Alt names', info.subjectAltNames.length > 0 ? info.subjectAltNames.join(', ') : '(none: clients cannot match a host name)'],
    ['Valid from', `${formatDate(info.notBefore)}${info.notBefore > now ? ' (not yet valid)' : ''}`],
    ['Valid until', `${formatDate(info.notAfter)} (${describeRemaining(info.notAfter, now)})`],
    ['Serial', info.serial],
    ['Key', describeKey(info)],
    ['Signature', info.signatureAlgorithm],
    ['SHA-256', info.fingerprintSha256],
    ['SHA-1', info.fingerprintSha1],
    ['Chain', info.chainLength === 1 ? '1 certificate' : `${info.chainLength} certificates (leaf + ${info.chainLength - 1})`],
  ];
  const width = Math.max(...rows.map(([label]) => label.length)) + 2;
  return rows.map(([label, value]) => `${`${label}:`.padEnd(width)}${value}`).join('\n');
}

function describePublicKey(cert: X509Certificate): Pick<CertificateInfo, 'keyType' | 'keySize' | 'curve'> {
  const key = cert.publicKey;
  const type = key.asymmetricKeyType ?? 'unknown';
  const details = key.asymmetricKeyDetails ?? {};
  const keyType = KEY_TYPE_NAMES[type] ?? type.toUpperCase();
  if (type === 'ec') {
    const curveName = details.namedCurve ?? 'unknown';
    const known = CURVES[curveName];
    const bits = known?.bits ?? Number(/(\d{3})/.exec(curveName)?.[1] ?? NaN);
    return { keyType, keySize: Number.isFinite(bits) ? bits : undefined, curve: known?.name ?? curveName };
  }
  return { keyType, keySize: details.modulusLength };
}

function readSubjectAltNames(parsed: InstanceType<typeof x509.X509Certificate>, cert: X509Certificate): string[] {
  try {
    const extension = parsed.getExtension(x509.SubjectAlternativeNameExtension);
    if (!extension) return [];
    return extension.names.items.map((name) => `${SAN_PREFIXES[name.type] ?? name.type}:${name.value}`);
  } catch {
    // @peculiar/x509 refuses some name forms (otherName, X.400); Node's rendering still lists them.
    return (cert.subjectAltName ?? '')
      .split(', ')
      .filter((entry) => entry.length > 0)
      .map((entry) => entry.replace(/^IP Address:/, 'IP:'));
  }
}

function pssHash(oid: string, parsed: InstanceType<typeof x509.X509Certificate>): string | undefined {
  if (oid !== '1.2.840.113549.1.1.10') return undefined;
  try {
    const hash = (parsed.signatureAlgorithm as { hash?: { name?: string } }).hash;
    return hash?.name;
  } catch {
    return undefined;
  }
}

// Not checkIssued(): OpenSSL also demands keyCertSign there, which a server certificate rightly lacks.
function isSelfSigned(cert: X509Certificate): boolean {
  try {
    return cert.subject === cert.issuer && cert.verify(cert.publicKey);
  } catch {
    return false; // an algorithm OpenSSL cannot verify
  }
}

function describeKey(info: CertificateInfo): string {
  if (info.curve) return `${info.keyType} ${info.curve}${info.keySize ? ` (${info.keySize} bits)` : ''}`;
  return info.keySize ? `${info.keyType} ${info.keySize} bits` : info.keyType;
}

function describeRemaining(notAfter: Date, now: Date): string {
  const ms = notAfter.getTime() - now.getTime();
  if (ms <= 0) {
    const days = Math.floor(-ms / 86_400_000);
    return days === 0 ? 'expired today' : `expired ${plural(days, 'day')} ago`;
  }
  const days = Math.floor(ms / 86_400_000);
  return days === 0 ? 'expires within a day' : `${plural(days, 'day')} left`;
}

function plural(count: number, unit: string): string {
  return `${count} ${unit}${count === 1 ? '' : 's'}`;
}

function formatDate(date: Date): string {
  return `${date.toISOString().slice(0, 19).replace('T', ' ')} UTC`;
}

function describeError(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
