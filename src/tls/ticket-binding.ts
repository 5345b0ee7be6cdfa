// TLS session tickets bound to the control session they were issued to, with one TLS context shared
// by every session. A data connection may only resume a ticket issued on its own control session's
// connections (RFC 4217, and vsftpd's require_ssl_reuse): another client that races for a
// passive port gets a full handshake, which the data channel refuses. A context per session did this
// with ticket keys of its own, at ~31 KiB per session (OpenSSL's SSL_CTX with the certificate and key).
//
// Node's ticket-key hook says nothing about the connection, so the binder tracks which one OpenSSL is
// working for, using Node's own (synchronous) order of calls on the server side:
// - A ClientHello is handed to the connection's `onclienthello` and then, in the same call, to
//   OpenSSL, which decrypts any ticket in it: while it runs, `current` is that connection's scope.
//   Tickets renewed during it (TLS 1.2 resumption) belong to that scope too.
// - Other tickets are encrypted when the client's Finished arrives, and claimed by what Node calls
//   next for the same connection, still in that call: 'newSession' (TLS 1.3, once per ticket) or the
//   end of the handshake (TLS 1.2).
// A ticket nobody claimed is never accepted. These hooks are internals of node:tls (Node's own tests
// use them); `TicketBinder.supported` checks for them, and without them each session gets a context
// of its own again (SecureContextProvider).
import { randomBytes } from 'node:crypto';
import net from 'node:net';
import tls from 'node:tls';

/** What a scope needs for ticket binding. */
export interface TicketScope {
  /** Names (hex) of the tickets issued on this session's connections, oldest first. */
  readonly tickets: Set<string>;
  /** Whether a resumed connection gets a fresh ticket (see TlsSessionScope.renewTickets). */
  renewTickets: boolean;
}

interface NativeTicketHooks {
  enableTicketKeyCallback(): void;
  onticketkeycallback: (name: Buffer, iv: Buffer, encrypt: boolean) => unknown[];
}

type ClientHelloHook = (this: unknown, hello: unknown) => unknown;

/**
 * Tickets remembered per session, least recently issued or used first out: curl resumes with the
 * newest, GnuTLS clients (lftp, FileZilla) with the control connection's, used again and again.
 */
const MAX_TICKETS = 16;
/** A ticket not claimed within this long (its connection failed mid-handshake) is dropped. */
const CLAIM_WINDOW_MS = 100;

export class TicketBinder {
  private readonly hmacKey = randomBytes(16);
  private readonly aesKey = randomBytes(16);
  private current: TicketScope | undefined;
  private pending: { name: string; at: number }[] = [];

  /** Whether this Node offers the hooks the binder relies on. */
  static supported(): boolean {
    const context = tls.createSecureContext();
    if (typeof (context as unknown as { context?: Partial<NativeTicketHooks> }).context?.enableTicketKeyCallback !== 'function') return false;
    return serverHandleHas('onclienthello');
  }

  /** Take over `context`'s ticket keys. */
  install(context: tls.SecureContext): void {
    const native = (context as unknown as { context: NativeTicketHooks }).context;
    native.enableTicketKeyCallback();
    native.onticketkeycallback = (name, _iv, encrypt) => {
      if (encrypt) {
        const random = randomBytes(32); // the new ticket's name, then its IV: one call for both
        const fresh = random.subarray(0, 16);
        if (this.current) bind(this.current, fresh.toString('hex'));
        else this.pending.push({ name: fresh.toString('hex'), at: performance.now() });
        return [1, this.hmacKey, this.aesKey, fresh, random.subarray(16)];
      }
      // 2 = valid, issue a new one; 0 = not this connection's session's: full handshake.
      const scope = this.current;
      const hex = name.toString('hex');
      if (scope === undefined || !scope.tickets.has(hex)) return [0, this.hmacKey, this.aesKey];
      // Newest again: GnuTLS clients (lftp, FileZilla) resume every data connection with the control
      // connection's ticket, while each data connection adds one of its own; it must not age out.
      scope.tickets.delete(hex);
      scope.tickets.add(hex);
      return [scope.renewTickets ? 2 : 1, this.hmacKey, this.aesKey];
    };
  }

  /** Start a scope whose connections get `events` as their `server`. */
  adopt(scope: TicketScope, events: net.Server): void {
    events.on('newSession', () => this.claim(scope));
  }

  /** Follow one server-side connection of an adopted scope. */
  attach(socket: tls.TLSSocket, scope: TicketScope): void {
    const handle = (socket as unknown as { _handle: { onclienthello: ClientHelloHook } })._handle;
    const original = handle.onclienthello;
    handle.onclienthello = (hello: unknown) => {
      this.current = scope;
      try {
        return original.call(handle, hello);
      } finally {
        this.current = undefined;
      }
    };
    socket.once('secure', () => this.claim(scope));
  }

  private claim(scope: TicketScope): void {
    const since = performance.now() - CLAIM_WINDOW_MS;
    for (const { name, at } of this.pending) if (at >= since) bind(scope, name);
    this.pending = [];
  }
}

function bind(scope: TicketScope, name: string): void {
  if (scope.tickets.size >= MAX_TICKETS) scope.tickets.delete(scope.tickets.values().next().value!);
  scope.tickets.add(name);
}

let serverHandleHooks: Set<string> | undefined;

/**
 * Whether the handle of a server-side TLSSocket has the hook `name` (internals of node:tls that the
 * binder and ticket holds use): probed once, on a socket never connected.
 */
export function serverHandleHas(name: 'onclienthello' | 'onnewsession'): boolean {
  if (!serverHandleHooks) {
    const probe = new tls.TLSSocket(new net.Socket(), { isServer: true, secureContext: tls.createSecureContext(), server: sessionEvents() });
    const handle = (probe as unknown as { _handle?: Record<string, unknown> | null })._handle ?? {};
    serverHandleHooks = new Set(['onclienthello', 'onnewsession'].filter((hook) => typeof handle[hook] === 'function'));
    probe.destroy();
  }
  return serverHandleHooks.has(name);
}

/** A stand-in `server` for a TLSSocket: only its newSession/resumeSession events are used. */
export function sessionEvents(): net.Server {
  return new net.Server();
}
