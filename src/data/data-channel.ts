// One session's data connection (RFC 959 section 3.2, RFC 2428, RFC 4217 section 8): set up by
// PASV/EPSV (listen) or PORT/EPRT (connect), opened by a transfer command, wrapped in TLS under PROT P.
// Passive connections must come from the control peer (RFC 2577); protected ones must resume the
// control session's TLS session, so a stranger cannot take over a data port.
import net from 'node:net';
import tls from 'node:tls';
import { FerryError } from '../errors/ferry-error.js';
import { completeHandshake, secureServerSocket, type TlsSessionScope } from '../tls/secure-context-provider.js';
import { TicketHold, ticketHoldSupported } from '../tls/ticket-hold.js';
import { sameAddress } from './address.js';
import type { PassivePortPool } from './passive-port-pool.js';
import { readingInto, tlsReadingInto } from './read-into-buffers.js';
import type { ReadHooks, ReadTargets } from './receive-file.js';

export interface DataChannelOptions {
  pool: PassivePortPool;
  /** The control connection's peer and local addresses. */
  controlRemote: string;
  controlLocal: string;
  connectTimeoutMs: number;
  allowForeignAddress: boolean;
  onRefused(reason: string, address: string): void;
  /** A protected data connection finished its handshake (resumed or not). */
  onSecured(protocol: string | null, resumed: boolean): void;
  /** What a passive connection accepted now would be secured with (PROT P), else undefined. */
  secureOnAccept?(): SecureOptions | undefined;
}

export interface OpenOptions {
  /** Wrap in TLS within this session scope (PROT P). */
  tlsScope?: TlsSessionScope;
  /** Refuse a protected connection that does not resume a TLS session. */
  requireSessionReuse: boolean;
  /** An upload (the connection is read), else a download or listing. */
  upload: boolean;
  /**
   * Read the connection straight into these buffers (uploads): through `plain` or, under TLS,
   * `tls`. Where this Node cannot, the caller gets 'data' events as usual.
   */
  onread?: ReadTargets;
  /**
   * Node must not read this plain connection (an upload thread will): a passive one stays as it was
   * accepted (paused), an active one is paused before it connects.
   */
  unread?: boolean;
  signal: AbortSignal;
}

/** What a protected download's handshake needs, known before its command opens the file. */
export type SecureOptions = Pick<OpenOptions, 'requireSessionReuse'> & { tlsScope: TlsSessionScope };

type Passive = { kind: 'passive'; server: net.Server; socket: Promise<net.Socket>; timer: NodeJS.Timeout };
/** A passive connection whose TLS handshake started before its transfer (beginSecure). */
interface Securing {
  kind: 'securing';
  secured: Promise<tls.TLSSocket>;
  /**
   * Holds the connection's new tickets until a transfer takes it (ticket-hold.ts). Absent where Node
   * cannot: then only a download began it, its ticket went out with the handshake, and an upload
   * cannot take it.
   */
  hold: TicketHold | undefined;
  /**
   * An upload takes it. Its data goes into `hooks`' buffers from the first byte, if given, unless
   * some has been decrypted already (a client that sent it before its command's 150), which the
   * upload then reads through 'data' events, as where Node cannot. The client's end no longer ends
   * Ferry's side at once: held tickets go first (runTransfer, releaseTickets), or Node would send its
   * FIN ahead of them and of the close_notify behind them.
   */
  takeForUpload(hooks: ReadHooks | undefined): void;
  abandon(): void;
}
type Pending = Passive | { kind: 'active'; host: string; port: number } | Securing;

/** How long a listener opened ahead of the next PASV/EPSV waits for it (standBy). */
const STANDBY_MS = 1000;

/** A listener opened ahead of the next PASV/EPSV; its port is not announced yet, so it admits nobody. */
interface Standby {
  server: Promise<net.Server | undefined>;
  timer: NodeJS.Timeout;
}

export class DataChannel {
  private pending: Pending | undefined;
  private standby: Standby | undefined;
  /** Whether the last transfer's connection was passive (standBy). */
  private lastPassive = false;
  private closed = false;

  constructor(private readonly options: DataChannelOptions) {}

  get isPrepared(): boolean {
    return this.pending !== undefined;
  }

  /** Whether the prepared connection's TLS handshake has begun (beginSecure). */
  get isSecured(): boolean {
    return this.pending?.kind === 'securing';
  }

  /** Whether the prepared connection was secured for a download only (its ticket went out unheld). */
  get isSecuredForDownload(): boolean {
    return this.pending?.kind === 'securing' && this.pending.hold === undefined;
  }

  /** PASV/EPSV: listen on a pool port on the control connection's local address. */
  async listenPassive(): Promise<number> {
    const standby = this.standby;
    this.standby = undefined;
    this.reset();
    if (standby) clearTimeout(standby.timer);
    const opened = standby && (await standby.server);
    const ready = opened?.listening ? opened : undefined;
    ready?.removeAllListeners('connection');
    const server = ready ?? (await this.options.pool.listen(this.passiveHost()));
    const port = (server.address() as net.AddressInfo).port;
    let timer!: NodeJS.Timeout;
    const socket = new Promise<net.Socket>((resolve, reject) => {
      timer = setTimeout(() => {
        server.close();
        reject(new FerryError('TIMEOUT', 'no data connection within the timeout', {
          publicMessage: 'Data connection timed out: the client did not connect to the passive port',
        }));
      }, this.options.connectTimeoutMs);
      server.on('connection', (sock: net.Socket) => {
        if (!this.options.allowForeignAddress && !sameAddress(sock.remoteAddress, this.options.controlRemote)) {
          this.options.onRefused('passive data connection from a foreign address', sock.remoteAddress ?? '');
          sock.destroy();
          return;
        }
        clearTimeout(timer);
        server.close(); // one connection per PASV
        sock.on('error', () => {}); // reported through the transfer pipeline
        resolve(sock);
        // Answer the ClientHello the client sends as it connects at once, whatever the transfer: its
        // tickets wait for the direction (ticket-hold.ts). Not where Node lacks the hook for that.
        const early = ticketHoldSupported() ? this.options.secureOnAccept?.() : undefined;
        if (early && this.pending?.kind === 'passive' && this.pending.server === server) this.beginSecure(early);
      });
    });
    socket.catch(() => {}); // observed later by open(); avoid unhandled rejections meanwhile
    this.pending = { kind: 'passive', server, socket, timer };
    return port;
  }

  /**
   * After a passive transfer, open the next one's listener while the client reads the transfer's end
   * and sends its next PASV/EPSV, which then only has to announce it: clients that fetch many files
   * wait for that reply on every file. The port is announced to no one until then, so a connection
   * to it is refused; it closes after STANDBY_MS unused. Not when half of the pool is in use.
   */
  standBy(): void {
    if (this.closed || !this.lastPassive || this.pending || this.standby || !this.options.pool.hasRoom()) return;
    const server = this.options.pool.listen(this.passiveHost()).then(
      (listening) => {
        listening.on('connection', (sock: net.Socket) => {
          this.options.onRefused('data connection to a passive port not announced yet', sock.remoteAddress ?? '');
          sock.destroy();
        });
        return listening;
      },
      () => undefined, // PASV/EPSV will try again, and report
    );
    const timer = setTimeout(() => this.dropStandby(), STANDBY_MS);
    timer.unref();
    this.standby = { server, timer };
  }

  private dropStandby(): void {
    const standby = this.standby;
    this.standby = undefined;
    if (!standby) return;
    clearTimeout(standby.timer);
    void standby.server.then((server) => server?.close());
  }

  private passiveHost(): string {
    return this.options.controlLocal.startsWith('::ffff:') ? this.options.controlLocal.slice(7) : this.options.controlLocal;
  }

  /**
   * Start the TLS handshake of a prepared passive connection now: as it is accepted under PROT P, or
   * when a download's command arrives (a connection accepted before PROT P). Clients send their
   * ClientHello as soon as they connect, mostly before the command, and curl waits for the handshake
   * before it sends the command: answering at once lets the client work on its side of the handshake
   * while Ferry reads the command and opens the file (see BENCHMARKS.md, many small files). The
   * connection's new tickets are held until its transfer sends them (runTransfer). Where Node lacks
   * the hook for that, only downloads begin early, and the ticket is decided for them. open() takes
   * the connection over. Returns undefined when there is no passive connection to secure, else a
   * check: whether the client's first bytes (its ClientHello) have been read, which Node's TLS layer
   * answers in the same step.
   */
  beginSecure(options: SecureOptions): (() => boolean) | undefined {
    const passive = this.pending;
    if (passive?.kind !== 'passive') return undefined;
    const hold = ticketHoldSupported() ? new TicketHold() : undefined;
    // The handshake decides on a new ticket before the direction is known: a held one may be renewed.
    if (hold) options.tlsScope.renewTickets = true;
    let raw: net.Socket | undefined;
    let secure: tls.TLSSocket | undefined;
    let upload: { hooks: ReadHooks | undefined } | undefined;
    const forUpload = (socket: tls.TLSSocket, hooks: ReadHooks | undefined) => {
      socket.allowHalfOpen = true;
      // Nothing consumes the connection before its transfer: what was decrypted is still buffered.
      if (hooks && socket.readableLength === 0) tlsReadingInto(socket, hooks);
    };
    const secured = passive.socket.then((accepted) => {
      raw = accepted;
      secure = secureServerSocket(accepted, options.tlsScope, hold);
      if (upload) forUpload(secure, upload.hooks);
      return this.secure(secure, accepted, options, hold);
    });
    secured.catch(() => {}); // observed later by open(); avoid unhandled rejections meanwhile
    this.pending = {
      kind: 'securing',
      secured,
      hold,
      takeForUpload(hooks) {
        if (secure) forUpload(secure, hooks);
        else upload = { hooks };
      },
      abandon: () => {
        closePassive(passive);
        secure?.destroy();
      },
    };
    return () => (raw?.bytesRead ?? 0) > 0;
  }

  /** PORT/EPRT: remember where to connect when the transfer starts. */
  setActive(host: string, port: number): void {
    this.reset();
    this.pending = { kind: 'active', host, port };
  }

  /** Open the prepared data connection (and its TLS layer). Consumes the PASV/PORT setup. */
  async open(options: OpenOptions): Promise<net.Socket> {
    const pending = this.pending;
    this.pending = undefined;
    this.lastPassive = pending !== undefined && pending.kind !== 'active';
    if (!pending) {
      throw new FerryError('DATA_CONNECTION_FAILED', 'no PASV/PORT before transfer', {
        publicMessage: "Use PORT, EPRT, PASV or EPSV first",
      });
    }
    if (pending.kind === 'securing') {
      if (!options.tlsScope || (options.upload && !pending.hold)) {
        this.pending = pending;
        this.reset();
        throw new FerryError('DATA_CONNECTION_FAILED', 'a secured data connection taken by a clear-text transfer, or by an upload although its ticket went out unheld (runTransfer refuses both first)');
      }
      if (options.upload) pending.takeForUpload(options.onread?.tls);
      return withAbort(pending.secured, options.signal, pending.abandon);
    }
    const plain = options.tlsScope ? undefined : options.onread?.plain;
    const raw = await withAbort(pending.kind === 'passive' ? pending.socket : this.connectActive(pending.host, pending.port, plain, options.unread === true), options.signal);
    if (options.tlsScope) {
      const secure = secureServerSocket(raw, options.tlsScope);
      if (options.onread) tlsReadingInto(secure, options.onread.tls);
      return this.secure(secure, raw, options);
    }
    return plain && pending.kind === 'passive' ? readingInto(raw, plain) : raw;
  }

  /** The session ended: drop everything, and prepare nothing ahead any more. */
  close(): void {
    this.closed = true;
    this.reset();
  }

  /** Drop any prepared connection (new PASV/PORT, REIN, session end). */
  reset(): void {
    this.dropStandby();
    const pending = this.pending;
    this.pending = undefined;
    if (pending?.kind === 'passive') closePassive(pending);
    else if (pending?.kind === 'securing') pending.abandon();
  }

  private connectActive(host: string, port: number, onread: ReadHooks | undefined, unread: boolean): Promise<net.Socket> {
    return new Promise((resolve, reject) => {
      const sock = net.connect({ host, port, timeout: this.options.connectTimeoutMs, ...(onread && { onread }) });
      if (unread) sock.pause(); // paused at connect, Node starts no read
      const fail = (err: Error) => {
        sock.destroy();
        reject(new FerryError('DATA_CONNECTION_FAILED', `active connect to ${host}:${port} failed: ${err.message}`, {
          publicMessage: "Can't open data connection to the address given by PORT/EPRT",
          cause: err,
        }));
      };
      sock.once('error', fail);
      sock.once('timeout', () => fail(new Error('timed out')));
      sock.once('connect', () => {
        sock.removeListener('error', fail);
        sock.setTimeout(0);
        sock.on('error', () => {});
        resolve(sock);
      });
    });
  }

  private async secure(secure: tls.TLSSocket, raw: net.Socket, options: Pick<OpenOptions, 'requireSessionReuse'>, hold?: TicketHold): Promise<tls.TLSSocket> {
    try {
      await completeHandshake(secure, this.options.connectTimeoutMs, 'TLS handshake on the data connection', hold);
    } catch (err) {
      throw new FerryError('DATA_CONNECTION_FAILED', `data TLS handshake failed: ${(err as Error).message}`, {
        publicMessage: 'TLS handshake on the data connection failed',
        cause: err,
      });
    }
    secure.on('error', () => {}); // later errors surface through the transfer pipeline
    this.options.onSecured(secure.getProtocol(), secure.isSessionReused());
    if (options.requireSessionReuse && !secure.isSessionReused()) {
      this.options.onRefused('data connection did not resume the control connection\'s TLS session', raw.remoteAddress ?? '');
      secure.destroy();
      throw new FerryError('DATA_CONNECTION_REFUSED', 'data TLS session not resumed', {
        publicMessage:
          'Data connection refused: it did not resume the TLS session of this control connection. ' +
          'Use a client that reuses TLS sessions (FileZilla, WinSCP, lftp, curl), or ask the administrator to turn off tls.requireSessionReuse for your user',
      });
    }
    return secure;
  }
}

/** Stop listening, and close the connection if one was accepted. */
function closePassive(passive: Passive): void {
  clearTimeout(passive.timer);
  passive.server.close();
  passive.socket.then((s) => s.destroy(), () => {});
}

/** `promise`, or a rejection once `signal` aborts (then `cancel` runs, and a late socket is destroyed). */
function withAbort<T>(promise: Promise<T>, signal: AbortSignal, cancel?: () => void): Promise<T> {
  if (signal.aborted) {
    cancel?.();
    return Promise.reject(new FerryError('TRANSFER_ABORTED', 'aborted before the data connection opened'));
  }
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => {
      cancel?.();
      reject(new FerryError('TRANSFER_ABORTED', 'aborted before the data connection opened'));
    };
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(
      (v) => {
        signal.removeEventListener('abort', onAbort);
        if (signal.aborted && v instanceof net.Socket) v.destroy();
        resolve(v);
      },
      (e) => {
        signal.removeEventListener('abort', onAbort);
        reject(e);
      },
    );
  });
}
