// One self-signed ECDSA P-256 certificate (SHA-256) for 127.0.0.1, made with openssl and used by all
// three servers, so every handshake costs the same on the server side.
import { chmod, mkdir, stat } from 'node:fs/promises';
import path from 'node:path';
import { runCommand } from './child-processes.js';

export interface BenchCertificate {
  certFile: string;
  keyFile: string;
}

export async function ensureCertificate(dir: string): Promise<BenchCertificate> {
  await mkdir(dir, { recursive: true });
  const certFile = path.join(dir, 'cert.pem');
  const keyFile = path.join(dir, 'key.pem');
  const exists = await Promise.all([stat(certFile), stat(keyFile)]).then(() => true, () => false);
  if (!exists) {
    const made = await runCommand(
      'openssl',
      ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-sha256', '-nodes', '-days', '365',
        '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1', '-keyout', keyFile, '-out', certFile],
      { timeoutMs: 30_000 },
    );
    if (made.code !== 0) throw new Error(`openssl could not make the bench certificate: ${made.stderr.trim()}`);
  }
  // Read by root-owned servers only; ProFTPD refuses a world-readable key in some setups, so 0600.
  await chmod(keyFile, 0o600);
  return { certFile, keyFile };
}
