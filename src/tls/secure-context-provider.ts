// Builds the TLS contexts sessions use (RFC 4217). Each control session gets a context with ticket keys
// of its own, so only TLS sessions issued on that control connection can resume on its data connections:
// another client cannot steal a data port even if it races for it. Reloadable without dropping sessions.
import { randomBytes } from 'node:crypto';
import tls from 'node:tls';

export interface CertificateMaterial {
  certPem: string;
  keyPem: string;
  passphrase?: string;
}

export interface TlsOptions {
  minVersion: 'TLSv1.2' | 'TLSv1.3';
  ciphers?: string;
}

export class SecureContextProvider {
  private material: CertificateMaterial;

  constructor(material: CertificateMaterial, private readonly options: TlsOptions) {
    this.material = material;
    // Fail fast on bad material: a context is built once here.
    this.build();
  }

  /** Swap the certificate; sessions started afterwards use it, existing ones keep theirs. */
  update(material: CertificateMaterial): void {
    const previous = this.material;
    this.material = material;
    try {
      this.build();
    } catch (err) {
      this.material = previous;
      throw err;
    }
  }

  get certPem(): string {
    return this.material.certPem;
  }

  /** A fresh context for one control session (its own 48-byte ticket keys). */
  sessionContext(): tls.SecureContext {
    return this.build();
  }

  private build(): tls.SecureContext {
    return tls.createSecureContext({
      cert: this.material.certPem,
      key: this.material.keyPem,
      passphrase: this.material.passphrase,
      minVersion: this.options.minVersion,
      ...(this.options.ciphers ? { ciphers: this.options.ciphers } : {}),
      honorCipherOrder: true,
      ticketKeys: randomBytes(48),
      // Control and data connections of one session share this id context, so sessions resume across them.
      sessionIdContext: 'ferry',
    });
  }
}
