// Resolves the configured certificate and key (inline PEM or files) into PEM text. Errors name the
// config field and the file so the operator can fix them; they never reach FTP clients.

import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { FerryError } from '../errors/ferry-error.js';

export interface TlsMaterialConfig {
  cert?: string;
  key?: string;
  certFile?: string;
  keyFile?: string;
  passphrase?: string;
}

export interface CertificateMaterial {
  certPem: string;
  keyPem: string;
  passphrase?: string;
  /** 'file' when either part came from a file (so a reload should re-read it), else 'inline'. */
  source: 'inline' | 'file';
  /** Absolute paths of the parts read from files. */
  certFile?: string;
  keyFile?: string;
}

/** A PEM file is a few KiB; anything past this is the wrong file (an archive, a device, a log). */
const MAX_PEM_FILE_BYTES = 1024 * 1024;

/**
 * Inline PEM (`cert`, `key`) wins over the matching file field. Returns undefined when neither a
 * certificate nor a key is configured (the caller then generates one). Relative files resolve
 * against `baseDir` (the config file's folder).
 */
export async function loadCertificateMaterial(tls: TlsMaterialConfig, baseDir: string): Promise<CertificateMaterial | undefined> {
  const certInline = nonEmpty(tls.cert);
  const keyInline = nonEmpty(tls.key);
  const certFileSetting = nonEmpty(tls.certFile);
  const keyFileSetting = nonEmpty(tls.keyFile);
  const hasCert = certInline !== undefined || certFileSetting !== undefined;
  const hasKey = keyInline !== undefined || keyFileSetting !== undefined;
  if (!hasCert && !hasKey) return undefined;
  if (!hasCert) {
    throw new FerryError('CERTIFICATE_INVALID', 'tls.keyFile/tls.key is set but no certificate is: set tls.certFile (or tls.cert) as well, or remove both to use a generated certificate');
  }
  if (!hasKey) {
    throw new FerryError('CERTIFICATE_INVALID', 'tls.certFile/tls.cert is set but no private key is: set tls.keyFile (or tls.key) as well, or remove both to use a generated certificate');
  }

  const material: CertificateMaterial = { certPem: '', keyPem: '', source: 'inline' };
  if (certInline !== undefined) {
    material.certPem = normalizeInlinePem(certInline, 'tls.cert', 'tls.certFile');
  } else {
    material.certFile = path.resolve(baseDir, certFileSetting!);
    material.certPem = await readPemFile(material.certFile, 'tls.certFile', 'certificate');
  }
  if (keyInline !== undefined) {
    material.keyPem = normalizeInlinePem(keyInline, 'tls.key', 'tls.keyFile');
  } else {
    material.keyFile = path.resolve(baseDir, keyFileSetting!);
    material.keyPem = await readPemFile(material.keyFile, 'tls.keyFile', 'key');
  }
  if (material.certFile !== undefined || material.keyFile !== undefined) material.source = 'file';
  if (tls.passphrase !== undefined) material.passphrase = tls.passphrase;
  return material;
}

/** A warning when group or others have any access to the key file; undefined when it is private. */
export async function keyFilePermissionWarning(keyFile: string): Promise<string | undefined> {
  if (process.platform === 'win32') return undefined; // POSIX modes say nothing about Windows ACLs
  let mode: number;
  try {
    mode = (await stat(keyFile)).mode;
  } catch {
    return undefined; // loading the key reports a missing or unreadable file
  }
  if ((mode & 0o077) === 0) return undefined;
  const who = [mode & 0o070 ? 'its group' : undefined, mode & 0o007 ? 'all other users' : undefined].filter(Boolean).join(' and ');
  const octal = (mode & 0o777).toString(8).padStart(4, '0');
  return `Private key file ${keyFile} is accessible by ${who} (mode ${octal}); anyone who can read it can impersonate this server. Run \`chmod 600 ${keyFile}\``;
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value.trim() === '' ? undefined : value;
}

/**
 * Accepts PEM pasted with indentation, CRLF line ends, or as one line with literal `\n` escapes
 * (the usual shape of PEM in environment variables), since OpenSSL accepts none of those.
 */
function normalizeInlinePem(value: string, field: string, fileField: string): string {
  let text = value;
  if (!text.includes('\n') && text.includes('\\n')) text = text.replace(/\\r\\n|\\n/g, '\n');
  if (!text.includes('-----BEGIN ')) {
    const looksLikePath = !text.includes('\n') && /[\\/]|\.(pem|crt|cer|key)$/i.test(text.trim());
    throw new FerryError(
      'CERTIFICATE_INVALID',
      looksLikePath
        ? `${field} holds the PEM text itself, but it is set to what looks like a file name; use ${fileField}: ${text.trim()}`
        : `${field} does not contain PEM text (no "-----BEGIN" line); paste the whole block including the BEGIN/END lines`,
    );
  }
  const lines = text.split(/\r?\n/).map((line) => line.trim());
  return `${lines.join('\n').trim()}\n`;
}

async function readPemFile(file: string, field: string, what: 'certificate' | 'key'): Promise<string> {
  let content: Buffer;
  try {
    // stat before open: opening a FIFO or device by mistake could block or never end.
    const info = await stat(file);
    if (info.isDirectory()) throw new FerryError('CERTIFICATE_INVALID', `${field}: ${file} is a folder, not a PEM file`);
    if (!info.isFile()) throw new FerryError('CERTIFICATE_INVALID', `${field}: ${file} is not a regular file`);
    if (info.size > MAX_PEM_FILE_BYTES) {
      throw new FerryError('CERTIFICATE_INVALID', `${field}: ${file} is ${info.size} bytes, too large to be a PEM ${what}; check the path`);
    }
    content = await readFile(file);
  } catch (err) {
    if (err instanceof FerryError) throw err;
    throw new FerryError('CERTIFICATE_INVALID', `${field}: cannot read ${file}: ${describeFsError(err)}`, { cause: err });
  }
  const text = content.toString('utf8');
  if (!text.includes('-----BEGIN ') && content[0] === 0x30) {
    // DER and PKCS#12 both start with an ASN.1 SEQUENCE; OpenSSL's PEM reader rejects them.
    const convert = what === 'certificate' ? `openssl x509 -inform der -in ${file} -out cert.pem` : `openssl pkey -inform der -in ${file} -out key.pem`;
    throw new FerryError(
      'CERTIFICATE_INVALID',
      `${field}: ${file} is binary (DER or PKCS#12), but Ferry reads PEM; convert it with \`${convert}\` (for a .pfx/.p12 bundle: \`openssl pkcs12 -in ${file} -out bundle.pem\`)`,
    );
  }
  return text;
}

function describeFsError(err: unknown): string {
  const code = (err as NodeJS.ErrnoException | undefined)?.code;
  switch (code) {
    case 'ENOENT':
      return 'file not found';
    case 'EACCES':
    case 'EPERM':
      return 'permission denied (the server process cannot read it)';
    case 'EISDIR':
      return 'it is a folder, not a PEM file';
    case 'ENOTDIR':
      return 'a part of the path is not a folder';
    case 'ELOOP':
      return 'too many symbolic links';
    default:
      return err instanceof Error ? err.message : String(err);
  }
}
