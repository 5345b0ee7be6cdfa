// Self-signed server certificates for `ferry cert generate` and the first start without a certificate.
// Profile follows RFC 5280 §4.2 (basicConstraints, keyUsage, extKeyUsage, subjectAltName, SKI) with
// SHA-256 signatures, which every current FTPS client and OpenSSL security level accepts.

import { X509Certificate, KeyObject, randomBytes, webcrypto } from 'node:crypto';
import { mkdir, open, rename, unlink } from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { domainToASCII } from 'node:url';
import { FerryError } from '../errors/ferry-error.js';
import { x509 } from './peculiar-x509.js';

export const KEY_TYPES = ['ec-p256', 'rsa-2048', 'rsa-3072', 'rsa-4096'] as const;
export type KeyType = (typeof KEY_TYPES)[number];

export interface GenerateCertificateOptions {
  /** Subject CN; default: this machine's host name. */
  commonName?: string;
  /** DNS names or IPv4/IPv6 addresses (detected per entry); default: localhost, 127.0.0.1, ::1. */
  subjectAltNames?: string[];
  /** Validity in days, counted from notBefore; default 825 (the longest span Apple clients accept). */
  days?: number;
  keyType?: KeyType;
}

export interface GeneratedCertificate {
  certPem: string;
  /** Unencrypted PKCS#8 PEM. */
  keyPem: string;
  /** Uppercase colon-separated SHA-256 fingerprint, as FileZilla shows it. */
  fingerprintSha256: string;
}

export const DEFAULT_CERTIFICATE_DAYS = 825;
const MAX_CERTIFICATE_DAYS = 36_500;
const DEFAULT_SANS = ['localhost', '127.0.0.1', '::1'];
const CLOCK_SKEW_MS = 60 * 60 * 1000;
const DAY_MS = 24 * 60 * 60 * 1000;
const MAX_CN_LENGTH = 64; // ub-common-name, RFC 5280 Appendix A.1
const DNS_LABEL = '[a-z0-9_](?:[a-z0-9_-]{0,61}[a-z0-9_])?';
// Underscores are not legal host name characters, but real host names carry them and clients match
// SANs byte-for-byte, so we accept them rather than refuse the machine's own name.
const DNS_NAME = new RegExp(`^(?:\\*\\.)?${DNS_LABEL}(?:\\.${DNS_LABEL})*$`);

type SanEntry = { type: 'dns' | 'ip'; value: string };

export async function generateSelfSignedCertificate(opts: GenerateCertificateOptions = {}): Promise<GeneratedCertificate> {
  const keyType = opts.keyType ?? 'ec-p256';
  if (!KEY_TYPES.includes(keyType)) {
    throw new FerryError('BAD_ARGUMENT', `Unknown key type "${String(keyType)}"; use one of ${KEY_TYPES.join(', ')}`);
  }
  const days = opts.days ?? DEFAULT_CERTIFICATE_DAYS;
  if (!Number.isInteger(days) || days < 1 || days > MAX_CERTIFICATE_DAYS) {
    throw new FerryError('BAD_ARGUMENT', `Certificate validity must be a whole number of days between 1 and ${MAX_CERTIFICATE_DAYS}, got ${days}`);
  }
  const commonName = resolveCommonName(opts.commonName);
  const sans = buildSubjectAltNames(commonName, opts.subjectAltNames);

  const { generateAlgorithm, signingAlgorithm, keyUsages } = algorithmsFor(keyType);
  const keys = (await webcrypto.subtle.generateKey(generateAlgorithm, true, ['sign', 'verify'])) as webcrypto.CryptoKeyPair;
  const cryptoKeys = keys as unknown as CryptoKeyPair;

  // Whole seconds: X.509 times carry no milliseconds. notAfter counts from notBefore so the total
  // span never exceeds `days` (Apple rejects server certificates valid for more than 825 days).
  const notBefore = new Date(Math.floor((Date.now() - CLOCK_SKEW_MS) / 1000) * 1000);
  const notAfter = new Date(notBefore.getTime() + days * DAY_MS);

  const cert = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: randomSerialNumber(),
    name: [{ CN: [commonName] }],
    notBefore,
    notAfter,
    keys: cryptoKeys,
    signingAlgorithm,
    extensions: [
      new x509.BasicConstraintsExtension(false, undefined, true),
      new x509.KeyUsagesExtension(keyUsages, true),
      new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.serverAuth], false),
      new x509.SubjectAlternativeNameExtension(sans, false),
      await x509.SubjectKeyIdentifierExtension.create(cryptoKeys.publicKey, false),
    ],
  });

  const certPem = `${cert.toString('pem').trim()}\n`;
  const keyPem = KeyObject.from(keys.privateKey).export({ type: 'pkcs8', format: 'pem' }).toString();
  return { certPem, keyPem, fingerprintSha256: new X509Certificate(certPem).fingerprint256 };
}

/**
 * Writes cert.pem (0644) and key.pem (0600) into `dir`, each through a temp file and rename so a
 * reader never sees half a file. The key's temp file is created 0600, so it is never readable by others.
 */
export async function writeCertificateFiles(
  dir: string,
  material: { certPem: string; keyPem: string },
): Promise<{ certFile: string; keyFile: string }> {
  const absDir = path.resolve(dir);
  await mkdir(absDir, { recursive: true, mode: 0o700 });
  const certFile = path.join(absDir, 'cert.pem');
  const keyFile = path.join(absDir, 'key.pem');

  const keyTemp = await writeTempFile(keyFile, material.keyPem, 0o600);
  let certTemp: string;
  try {
    certTemp = await writeTempFile(certFile, material.certPem, 0o644);
  } catch (err) {
    await unlink(keyTemp).catch(() => undefined);
    throw err;
  }
  try {
    // Both temp files are complete before either rename, keeping the window with a mismatched pair tiny.
    await rename(keyTemp, keyFile);
    await rename(certTemp, certFile);
  } catch (err) {
    await Promise.all([unlink(keyTemp).catch(() => undefined), unlink(certTemp).catch(() => undefined)]);
    throw err;
  }
  await syncDirectory(absDir);
  return { certFile, keyFile };
}

async function writeTempFile(target: string, content: string, mode: number): Promise<string> {
  const temp = path.join(path.dirname(target), `.${path.basename(target)}.${randomBytes(6).toString('hex')}.tmp`);
  // 'wx' = O_CREAT|O_EXCL: never follows or reuses a file someone planted under the temp name.
  const handle = await open(temp, 'wx', mode);
  try {
    await handle.chmod(mode); // the umask may have narrowed the mode; it can only have removed bits
    await handle.writeFile(content, 'utf8');
    await handle.sync();
  } catch (err) {
    await handle.close().catch(() => undefined);
    await unlink(temp).catch(() => undefined);
    throw err;
  }
  await handle.close();
  return temp;
}

async function syncDirectory(dir: string): Promise<void> {
  // Makes the renames durable; not every platform lets you open a directory (Windows), which is fine.
  try {
    const handle = await open(dir, 'r');
    try {
      await handle.sync();
    } finally {
      await handle.close();
    }
  } catch {
    // best effort
  }
}

function algorithmsFor(keyType: KeyType): {
  generateAlgorithm: webcrypto.EcKeyGenParams | webcrypto.RsaHashedKeyGenParams;
  signingAlgorithm: Algorithm | EcdsaParams;
  keyUsages: number;
} {
  if (keyType === 'ec-p256') {
    return {
      generateAlgorithm: { name: 'ECDSA', namedCurve: 'P-256' },
      signingAlgorithm: { name: 'ECDSA', hash: 'SHA-256' } as EcdsaParams,
      keyUsages: x509.KeyUsageFlags.digitalSignature,
    };
  }
  const modulusLength = Number(keyType.slice('rsa-'.length));
  return {
    generateAlgorithm: { name: 'RSASSA-PKCS1-v1_5', modulusLength, publicExponent: new Uint8Array([1, 0, 1]), hash: 'SHA-256' },
    signingAlgorithm: { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' } as Algorithm,
    // keyEncipherment covers TLS 1.2 RSA key exchange, which some older FTPS clients still negotiate.
    keyUsages: x509.KeyUsageFlags.digitalSignature | x509.KeyUsageFlags.keyEncipherment,
  };
}

/** 16 random bytes with the top bit clear and a non-zero first byte: positive and exactly 16 bytes in DER. */
function randomSerialNumber(): string {
  const bytes = randomBytes(16);
  bytes[0] = (bytes[0]! & 0x7f) || 0x01;
  return bytes.toString('hex');
}

function resolveCommonName(commonName: string | undefined): string {
  if (commonName === undefined) {
    const host = os.hostname().trim();
    return host.length > 0 && host.length <= MAX_CN_LENGTH ? host : 'localhost';
  }
  const cn = commonName.trim();
  if (cn.length === 0 || cn.length > MAX_CN_LENGTH) {
    throw new FerryError('BAD_ARGUMENT', `The common name must be 1 to ${MAX_CN_LENGTH} characters long, got ${cn.length}`);
  }
  return cn;
}

function buildSubjectAltNames(commonName: string, requested: string[] | undefined): SanEntry[] {
  const entries: SanEntry[] = [];
  const seen = new Set<string>();
  const add = (entry: SanEntry): void => {
    const key = `${entry.type}:${entry.value}`;
    if (!seen.has(key)) {
      seen.add(key);
      entries.push(entry);
    }
  };
  // Clients ignore the CN when SANs are present (RFC 6125 §6.4.4), so the CN must also be a SAN to be
  // matchable; it goes first as the primary name. A CN that is no host name ("My Server") is a label only.
  const cnEntry = parseSubjectAltName(commonName);
  if (cnEntry) add(cnEntry);
  for (const name of requested ?? DEFAULT_SANS) {
    const entry = parseSubjectAltName(name);
    if (!entry) {
      throw new FerryError('BAD_ARGUMENT', `"${name}" is neither a DNS name nor an IPv4/IPv6 address`);
    }
    add(entry);
  }
  if (entries.length === 0) {
    throw new FerryError('BAD_ARGUMENT', 'At least one subject alternative name is needed: clients match the host name only against them');
  }
  return entries;
}

/** Classifies and normalises one SAN: IP literals (no zone ids) or DNS names (IDNs as A-labels). */
function parseSubjectAltName(input: string): SanEntry | undefined {
  const text = input.trim();
  const bracketless = text.startsWith('[') && text.endsWith(']') ? text.slice(1, -1) : text;
  const family = net.isIP(bracketless);
  if (family === 4) return { type: 'ip', value: bracketless };
  if (family === 6) {
    if (bracketless.includes('%')) return undefined; // zone ids are link-local and cannot go in a certificate
    return { type: 'ip', value: canonicalIPv6(bracketless) };
  }
  if (text.length === 0 || text.length > 253 || /[\s/:@]/.test(text)) return undefined;
  const ascii = domainToASCII(text.replace(/\.$/, '')).toLowerCase();
  if (ascii.length === 0 || ascii.length > 253 || !DNS_NAME.test(ascii)) return undefined;
  return { type: 'dns', value: ascii };
}

/** Shortest lower-case form, with an IPv4-mapped dotted tail rewritten as hex (the encoder needs it). */
function canonicalIPv6(address: string): string {
  const text = new net.SocketAddress({ address, family: 'ipv6' }).address;
  const lastColon = text.lastIndexOf(':');
  const tail = text.slice(lastColon + 1);
  if (!tail.includes('.')) return text;
  const [a, b, c, d] = tail.split('.').map(Number) as [number, number, number, number];
  return `${text.slice(0, lastColon + 1)}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
}
