// Builds the TLS context sessions use (RFC 4217). One context serves every session; the session
// tickets it issues are bound to the control session they were issued to (ticket-binding.ts), so only
// TLS sessions from that control connection resume on its data connections: another client cannot
// steal a data port even if it races for it. Reloadable without dropping sessions.
import { randomBytes } from 'node:crypto';
import net from 'node:net';
import tls from 'node:tls';
import { sessionEvents, TicketBinder, type TicketScope } from './ticket-binding.js';
import { TicketHold } from './ticket-hold.js';

/**
 * What one control session's TLS connections share: the context, the tickets issued to them, and a
 * session-ID cache of its own (TLS 1.2 clients such as curl's OpenSSL backend that turn tickets off
 * and resume by session ID). Nothing resumes across sessions.
 */
export interface TlsSessionScope extends TicketScope {
  secureContext: tls.SecureContext;
  /**
   * Whether a connection that resumes with one of this scope's tickets gets a fresh ticket. Downloads
   * and listings renew, so curl can fetch many files in one session under TLS 1.3. An upload must not
   * get one while it sends: curl 7.88 (OpenSSL) loses upload data then (it reports success after
   * ~115 KB). A data connection handshaken before its command renews and holds the ticket until the
   * direction is known (ticket-hold.ts); one handshaken at its transfer renews for downloads only.
   */
  renewTickets: boolean;
  /** Passed as TLSSocket's `server`: only used for its newSession/resumeSession events. */
  sessionCache: net.Server;
  /** Binds tickets to this scope; absent where each scope has a context of its own (older hooks). */
  binder: TicketBinder | undefined;
}

/** The server side of a TLS connection (control or data) in `scope`. */
export function secureServerSocket(raw: net.Socket, scope: TlsSessionScope, hold?: TicketHold): tls.TLSSocket {
  const socket = new tls.TLSSocket(raw, { isServer: true, secureContext: scope.secureContext, server: scope.sessionCache });
  scope.binder?.attach(socket, scope);
  hold?.attach(socket);
  return socket;
}

/**
 * Wait for a server-side TLS handshake (`what` names it in errors): resolves on 'secure', or when
 * `hold` holds the connection's new ticket (Node keeps 'secure' back until it is released); rejects on
 * an error, on a close before it completes (a client that hangs up mid-handshake emits only
 * 'close'), or after `timeoutMs`, destroying the socket. Its error listener stays, a no-op once
 * settled, so an error right after the handshake cannot go unhandled before the caller listens.
 */
export function completeHandshake(socket: tls.TLSSocket, timeoutMs: number, what: string, hold?: TicketHold): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => socket.destroy(new Error(`${what} timed out`)), timeoutMs);
    const closed = () => fail(new Error(`connection closed during the ${what}`));
    const settle = () => {
      clearTimeout(timer);
      socket.removeListener('close', closed);
    };
    function fail(err: Error): void {
      settle();
      reject(err);
    }
    socket.once('error', fail);
    socket.once('close', closed);
    const done = () => {
      settle();
      resolve();
    };
    socket.once('secure', done);
    hold?.whenHolding(done);
  });
}

/**
 * Node's default list with AES-128-GCM first for TLS 1.3 too, as Node already orders TLS 1.2 and Go's
 * TLS stack orders both: 128-bit AES is far beyond brute force, and cheaper per byte than AES-256
 * (Node lists that first): 4% with the bench machine's AES instructions, more on older CPUs.
 */
export const DEFAULT_CIPHERS = ['TLS_AES_128_GCM_SHA256', ...tls.DEFAULT_CIPHERS.split(':').filter((c) => c !== 'TLS_AES_128_GCM_SHA256')].join(':');

/** Session IDs remembered per control session; a session needs one or two. */
const MAX_CACHED_SESSIONS = 16;

function createSessionCache(): net.Server {
  const cache = new Map<string, Buffer>();
  const server = sessionEvents();
  server.on('newSession', (id: Buffer, data: Buffer, done: () => void) => {
    if (cache.size >= MAX_CACHED_SESSIONS) cache.delete(cache.keys().next().value!);
    cache.set(id.toString('hex'), data);
    TicketHold.pass(done);
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
  /** Absent where this Node lacks the hooks: then every scope gets a context of its own. */
  private readonly binder = TicketBinder.supported() ? new TicketBinder() : undefined;
  private shared: tls.SecureContext;

  constructor(material: CertificateMaterial, private readonly options: TlsOptions) {
    this.material = material;
    // Fail fast on bad material: a context is built once here.
    this.shared = this.build();
  }

  /** Swap the certificate; sessions started afterwards use it, existing ones keep theirs. */
  update(material: CertificateMaterial): void {
    const previous = this.material;
    this.material = material;
    try {
      this.shared = this.build();
    } catch (err) {
      this.material = previous;
      throw err;
    }
  }

  get certPem(): string {
    return this.material.certPem;
  }

  /** A fresh TLS scope for one control session (its own tickets and session-ID cache). */
  sessionScope(): TlsSessionScope {
    const sessionCache = createSessionCache();
    const scope: TlsSessionScope = { secureContext: this.shared, renewTickets: true, sessionCache, tickets: new Set(), binder: this.binder };
    if (this.binder) this.binder.adopt(scope, sessionCache);
    else scope.secureContext = this.build(scope);
    return scope;
  }

  private build(ownScope?: TlsSessionScope): tls.SecureContext {
    const context = tls.createSecureContext({
      cert: this.material.certPem,
      key: this.material.keyPem,
      passphrase: this.material.passphrase,
      minVersion: this.options.minVersion,
      ciphers: this.options.ciphers ?? DEFAULT_CIPHERS,
      honorCipherOrder: true,
      // Replaced by the binder's keys, or by the scope's own below; never shared across sessions.
      ticketKeys: randomBytes(48),
      // Control and data connections of one session share this id context, so sessions resume across them.
      sessionIdContext: 'ferry',
    });
    if (this.binder) this.binder.install(context);
    else if (ownScope) renewTicketsOnResumption(context, ownScope);
    return context;
  }
}

/** The native context's ticket-key hook (an internal of node:tls that Node's own tests use). */
interface NativeTicketHooks {
  enableTicketKeyCallback(): void;
  onticketkeycallback: (name: Buffer, iv: Buffer, encrypt: boolean) => unknown[];
}

/**
 * Node's TLS server sends no new session ticket on a resumed TLS 1.3 connection. OpenSSL clients use a
 * TLS 1.3 ticket once, so curl, which carries the newest session from data connection to data
 * connection, had nothing left to resume with on its second file and was refused under
 * requireSessionReuse. Answering "valid, renew" when a ticket is decrypted makes OpenSSL send a fresh
 * ticket on the resumed connection, as vsftpd and ProFTPD do (except for uploads: see renewTickets).
 * The keys stay this context's own: a ticket from another session is not ours and gets a full handshake.
 * Where the hook is missing (a future Node), the ticketKeys given above still apply.
 */
function renewTicketsOnResumption(context: tls.SecureContext, scope: TlsSessionScope): void {
  const native = (context as unknown as { context?: Partial<NativeTicketHooks> }).context;
  if (typeof native?.enableTicketKeyCallback !== 'function') return;
  const name = randomBytes(16);
  const hmacKey = randomBytes(16);
  const aesKey = randomBytes(16);
  native.enableTicketKeyCallback();
  native.onticketkeycallback = (keyName, _iv, encrypt) => {
    if (encrypt) return [1, hmacKey, aesKey, name, randomBytes(16)];
    // 2 = ticket valid, issue a new one; 0 = not ours: full handshake (refused for data connections).
    if (!keyName.equals(name)) return [0, hmacKey, aesKey];
    return [scope.renewTickets ? 2 : 1, hmacKey, aesKey];
  };
}
