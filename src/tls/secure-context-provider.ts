// Builds the TLS contexts sessions use (RFC 4217). Each control session gets a context with ticket keys
// of its own, so only TLS sessions issued on that control connection can resume on its data connections:
// another client cannot steal a data port even if it races for it. Reloadable without dropping sessions.
import { randomBytes } from 'node:crypto';
import net from 'node:net';
import tls from 'node:tls';

/**
 * What one control session's TLS connections share: a context with the session's own ticket keys
 * (TLS 1.3 and TLS 1.2 tickets) and a session-ID cache of its own (TLS 1.2 clients such as curl's
 * OpenSSL backend that turn tickets off and resume by session ID). Nothing resumes across sessions.
 */
export interface TlsSessionScope {
  secureContext: tls.SecureContext;
  /** Passed as TLSSocket's `server`: only used for its newSession/resumeSession events. */
  sessionCache: net.Server;
}

/** TLSSocket options for the server side of a connection in `scope`. */
export function tlsServerOptions(scope: TlsSessionScope): tls.TLSSocketOptions {
  return { isServer: true, secureContext: scope.secureContext, server: scope.sessionCache };
}

/** Session IDs remembered per control session; a session needs one or two. */
const MAX_CACHED_SESSIONS = 16;

function createSessionCache(): net.Server {
  const cache = new Map<string, Buffer>();
  const server = new net.Server();
  server.on('newSession', (id: Buffer, data: Buffer, done: () => void) => {
    if (cache.size >= MAX_CACHED_SESSIONS) cache.delete(cache.keys().next().value!);
    cache.set(id.toString('hex'), data);
    done();
  });
  server.on('resumeSession', (id: Buffer, done: (err: Error | null, data: Buffer | null) => void) => {
    done(null, cache.get(id.toString('hex')) ?? null);
  });
  return server;
}

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

  /** A fresh TLS scope for one control session (its own ticket keys and session-ID cache). */
  sessionScope(): TlsSessionScope {
    return { secureContext: this.build(), sessionCache: createSessionCache() };
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
