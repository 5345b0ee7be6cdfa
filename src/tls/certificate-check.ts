// Checks a certificate/key pair before the server uses it, so `ferry serve` and `ferry check-config`
// can say in plain words what is wrong (expired, weak, mismatched, wrong passphrase) and how to fix it,
// instead of failing later with an OpenSSL error string during the first TLS handshake.

import { X509Certificate, createPrivateKey, type KeyObject } from 'node:crypto';
import { isFerryError } from '../errors/ferry-error.js';
import { inspectCertificate, splitCertificateChain, type CertificateInfo } from './certificate-inspect.js';

export const CERTIFICATE_FINDING_CODES = [
  'CERT_UNPARSEABLE',
  'KEY_UNPARSEABLE',
  'KEY_PASSPHRASE_MISSING',
  'KEY_PASSPHRASE_WRONG',
  'KEY_MISMATCH',
  'CHAIN_ORDER', // the key matches a later certificate of the chain, not the first
  'CERT_NOT_YET_VALID',
  'CERT_EXPIRED',
  'KEY_TOO_SMALL',
  'WEAK_SIGNATURE',
  'CERT_EXPIRING_SOON',
] as const;

export type CertificateFindingCode = (typeof CERTIFICATE_FINDING_CODES)[number];

export interface CertificateFinding {
  severity: 'error' | 'warning';
  code: CertificateFindingCode;
  message: string;
  fix: string;
}

export interface CertificateCheckInput {
  certPem: string;
  keyPem: string;
  passphrase?: string;
  now?: Date;
}

export const EXPIRY_WARNING_DAYS = 30;
const MIN_RSA_BITS = 2048;
const MIN_EC_BITS = 256;
const WEAK_HASHES = new Set(['MD2', 'MD5', 'SHA-1']);
const DAY_MS = 86_400_000;

const FIX_GENERATE = 'Run `ferry cert generate --cn <host>` or paste a certificate signed with SHA-256 and an RSA-2048+/ECDSA key';

/** Every problem found, errors before warnings; an empty list means the pair is fit to serve. */
export function checkCertificate(input: CertificateCheckInput): CertificateFinding[] {
  const findings: CertificateFinding[] = [];
  const now = input.now ?? new Date();

  let info: CertificateInfo | undefined;
  try {
    info = inspectCertificate(input.certPem);
  } catch (err) {
    findings.push({
      severity: 'error',
      code: 'CERT_UNPARSEABLE',
      message: isFerryError(err) ? err.message : 'The certificate could not be read.',
      fix: `Paste the whole PEM certificate including its BEGIN/END lines, or ${lowerFirst(FIX_GENERATE)}`,
    });
  }

  const key = loadPrivateKey(input.keyPem, input.passphrase, findings);

  if (info && key) checkKeyMatches(input.certPem, key, findings);
  if (info) {
    checkValidity(info, now, findings);
    checkStrength(info, findings);
  } else if (key) {
    checkKeyObjectStrength(key, findings);
  }

  return findings.sort((a, b) => (a.severity === b.severity ? 0 : a.severity === 'error' ? -1 : 1));
}

function loadPrivateKey(keyPem: string, passphrase: string | undefined, findings: CertificateFinding[]): KeyObject | undefined {
  if (!/-----BEGIN [A-Z0-9 ]*PRIVATE KEY-----/.test(keyPem)) {
    const swapped = /-----BEGIN CERTIFICATE-----/.test(keyPem);
    findings.push({
      severity: 'error',
      code: 'KEY_UNPARSEABLE',
      message: swapped
        ? 'The private key holds a certificate instead of a key; the certificate and key look swapped.'
        : 'The private key is not a PEM private key: no "-----BEGIN ... PRIVATE KEY-----" block was found.',
      fix: swapped
        ? 'Swap tls.cert/tls.certFile and tls.key/tls.keyFile'
        : `Point tls.keyFile (or tls.key) at the PEM private key that belongs to the certificate, or ${lowerFirst(FIX_GENERATE)}`,
    });
    return undefined;
  }

  // PKCS#8 "ENCRYPTED PRIVATE KEY" or a traditional PEM with "Proc-Type: 4,ENCRYPTED".
  const encrypted = /-----BEGIN ENCRYPTED PRIVATE KEY-----/.test(keyPem) || /Proc-Type:\s*4,ENCRYPTED/.test(keyPem);
  if (encrypted && !passphrase) {
    findings.push({
      severity: 'error',
      code: 'KEY_PASSPHRASE_MISSING',
      message: 'The private key is encrypted, but no passphrase is configured.',
      fix: 'Set tls.passphrase to the key\'s passphrase, or store the key unencrypted (`openssl pkey -in key.pem -out key-plain.pem`, then chmod 600)',
    });
    return undefined;
  }

  try {
    return createPrivateKey({ key: keyPem, format: 'pem', ...(encrypted ? { passphrase } : {}) });
  } catch (err) {
    if (encrypted) {
      findings.push({
        severity: 'error',
        code: 'KEY_PASSPHRASE_WRONG',
        message: 'The private key is encrypted and the configured passphrase does not decrypt it.',
        fix: 'Correct tls.passphrase (check for stray spaces or quoting in the config file)',
      });
    } else {
      findings.push({
        severity: 'error',
        code: 'KEY_UNPARSEABLE',
        message: `The private key could not be parsed (${err instanceof Error ? err.message : String(err)}); the PEM may be truncated or damaged.`,
        fix: `Paste the whole PEM private key including its BEGIN/END lines, or ${lowerFirst(FIX_GENERATE)}`,
      });
    }
    return undefined;
  }
}

function checkKeyMatches(certPem: string, key: KeyObject, findings: CertificateFinding[]): void {
  const chain = splitCertificateChain(certPem);
  const matches = (pem: string): boolean => {
    try {
      return new X509Certificate(pem).checkPrivateKey(key);
    } catch {
      return false; // a damaged intermediate cannot be the key's certificate
    }
  };
  if (matches(chain[0]!)) return;
  const position = chain.findIndex(matches);
  if (position > 0) {
    findings.push({
      severity: 'error',
      code: 'CHAIN_ORDER',
      message: `The private key belongs to certificate ${position + 1} of the ${chain.length} in the chain, but the server's own certificate must come first.`,
      fix: 'Reorder the PEM chain: the server certificate first, then each intermediate, each followed by the one that signed it',
    });
    return;
  }
  findings.push({
    severity: 'error',
    code: 'KEY_MISMATCH',
    message: 'The private key does not belong to the certificate (their public keys differ).',
    fix: `Use the key file created together with this certificate, or ${lowerFirst(FIX_GENERATE)}`,
  });
}

function checkValidity(info: CertificateInfo, now: Date, findings: CertificateFinding[]): void {
  if (now < info.notBefore) {
    findings.push({
      severity: 'error',
      code: 'CERT_NOT_YET_VALID',
      message: `The certificate is not valid before ${formatDate(info.notBefore)}; it is now ${formatDate(now)}.`,
      fix: `Check this machine's clock and time zone, or ${lowerFirst(FIX_GENERATE)}`,
    });
  }
  if (now > info.notAfter) {
    const days = Math.floor((now.getTime() - info.notAfter.getTime()) / DAY_MS);
    findings.push({
      severity: 'error',
      code: 'CERT_EXPIRED',
      message: `The certificate expired on ${formatDate(info.notAfter)}${days > 0 ? ` (${plural(days, 'day')} ago)` : ''}; clients refuse expired certificates.`,
      fix: `Renew it with your certificate authority, or ${lowerFirst(FIX_GENERATE)}`,
    });
    return;
  }
  const daysLeft = Math.floor((info.notAfter.getTime() - now.getTime()) / DAY_MS);
  if (daysLeft < EXPIRY_WARNING_DAYS) {
    findings.push({
      severity: 'warning',
      code: 'CERT_EXPIRING_SOON',
      message: `The certificate expires on ${formatDate(info.notAfter)}, ${daysLeft === 0 ? 'within a day' : `in ${plural(daysLeft, 'day')}`}.`,
      fix: `Renew it before then, or ${lowerFirst(FIX_GENERATE)}`,
    });
  }
}

function checkStrength(info: CertificateInfo, findings: CertificateFinding[]): void {
  reportSmallKey(info.keyType, info.keySize, info.curve, findings);
  if (info.signatureHash !== undefined && WEAK_HASHES.has(info.signatureHash)) {
    findings.push({
      severity: 'error',
      code: 'WEAK_SIGNATURE',
      message: `The certificate is signed with ${info.signatureAlgorithm} (${info.signatureHash}), which is broken; current OpenSSL and FTPS clients refuse it. Old recipes such as \`openssl req -new -x509 -nodes -sha1 -newkey rsa:1024\` produce such certificates.`,
      fix: FIX_GENERATE,
    });
  }
}

function checkKeyObjectStrength(key: KeyObject, findings: CertificateFinding[]): void {
  const type = key.asymmetricKeyType;
  const details = key.asymmetricKeyDetails ?? {};
  if (type === 'rsa' || type === 'rsa-pss' || type === 'dsa') {
    reportSmallKey(type.toUpperCase(), details.modulusLength, undefined, findings);
  }
}

function reportSmallKey(keyType: string, keySize: number | undefined, curve: string | undefined, findings: CertificateFinding[]): void {
  if (keySize === undefined) return;
  const finiteField = keyType === 'RSA' || keyType === 'RSA-PSS' || keyType === 'DSA';
  const minimum = finiteField ? MIN_RSA_BITS : keyType === 'EC' ? MIN_EC_BITS : 0;
  if (keySize >= minimum) return;
  findings.push({
    severity: 'error',
    code: 'KEY_TOO_SMALL',
    message: `The ${keyType} key is only ${keySize} bits${curve ? ` (${curve})` : ''}; at least ${minimum} bits are needed, and OpenSSL refuses smaller keys at its default security level.`,
    fix: FIX_GENERATE,
  });
}

function formatDate(date: Date): string {
  return `${date.toISOString().slice(0, 19).replace('T', ' ')} UTC`;
}

function plural(count: number, unit: string): string {
  return `${count} ${unit}${count === 1 ? '' : 's'}`;
}

function lowerFirst(text: string): string {
  return text.charAt(0).toLowerCase() + text.slice(1);
}
