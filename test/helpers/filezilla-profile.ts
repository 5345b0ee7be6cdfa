// Writes a throw-away FileZilla 3 settings folder: filezilla.xml (file logging, no welcome dialog, no
// retries) and trustedcerts.xml (the server certificate pre-trusted for host:port, so FileZilla shows
// no "Unknown certificate" prompt, as after a user ticked "Always trust this certificate").
import { X509Certificate } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';

export interface FileZillaProfileOptions {
  host: string;
  port: number;
  /** PEM of the server certificate to pre-trust for host:port. */
  certPem: string;
  /** Where FileZilla appends its log. */
  logFile: string;
  /** More filezilla.xml settings by name, e.g. { 'Use Pasv mode': '0' } for active mode. */
  settings?: Record<string, string>;
}

function xmlEscape(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

function document(body: string): string {
  return `<?xml version="1.0" encoding="UTF-8"?>\n<FileZilla3 version="3.63.0" platform="*nix">\n${body}</FileZilla3>\n`;
}

/** Settings names as FileZilla writes them in filezilla.xml (src/interface/Options.cpp). */
function settingsXml(logFile: string, extra: Record<string, string>): string {
  const settings: [string, string, string?][] = [
    ['Logging file', logFile, 'unix'],
    // 3 = verbose: commands, replies and TLS details, without the per-packet debug noise.
    ['Logging Debug Level', '4'],
    // The listing lines go to the log too, so the test can see what the home folder listing held.
    ['Logging Raw Listing', '1'],
    // A greeting version at or above the running version suppresses the welcome dialog.
    ['Greeting version', '99.0.0'],
    // No desktop notification and no idle-inhibit over D-Bus, which Xvfb sessions do not have.
    ['Queue completion action', '0'],
    ['Prevent idle sleep', '0'],
    ['Prompt password save', '0'],
    // Fail fast: one attempt per transfer, so an error shows up once and is not hidden by a retry.
    ['Reconnect count', '0'],
    ['Timeout', '20'],
    ...Object.entries(extra),
  ];
  const lines = settings.map(([name, value, platform]) => `\t\t<Setting name="${xmlEscape(name)}"${platform ? ` platform="${platform}"` : ''}>${xmlEscape(value)}</Setting>\n`);
  return document(`\t<Settings>\n${lines.join('')}\t</Settings>\n`);
}

/** FileZilla only accepts an entry whose activation time has passed and whose expiry has not. */
function trustedCertsXml(options: FileZillaProfileOptions): string {
  const cert = new X509Certificate(options.certPem);
  const seconds = (date: string): number => Math.floor(Date.parse(date) / 1000);
  return document(
    '\t<TrustedCerts>\n\t\t<Certificate>\n' +
      `\t\t\t<Data>${cert.raw.toString('hex')}</Data>\n` +
      `\t\t\t<ActivationTime>${seconds(cert.validFrom)}</ActivationTime>\n` +
      `\t\t\t<ExpirationTime>${seconds(cert.validTo)}</ExpirationTime>\n` +
      `\t\t\t<Host>${xmlEscape(options.host)}</Host>\n` +
      `\t\t\t<Port>${options.port}</Port>\n` +
      '\t\t\t<TrustSANs>0</TrustSANs>\n' +
      '\t\t</Certificate>\n\t</TrustedCerts>\n',
  );
}

/** Writes both files into configDir (created if needed), FileZilla's settings folder. */
export async function writeFileZillaProfile(configDir: string, options: FileZillaProfileOptions): Promise<void> {
  await mkdir(configDir, { recursive: true });
  await writeFile(path.join(configDir, 'filezilla.xml'), settingsXml(options.logFile, options.settings ?? {}));
  await writeFile(path.join(configDir, 'trustedcerts.xml'), trustedCertsXml(options));
}
