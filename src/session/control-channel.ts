// The control connection's I/O (RFC 959 section 5): reads command lines, writes replies in order,
// upgrades to TLS in place (RFC 4217 section 4) and closes. Knows nothing about commands.
import type { Socket } from 'node:net';
import tls from 'node:tls';
import { LineReader, type LineEvent } from '../protocol/line-reader.js';
import { formatReply } from '../protocol/reply-format.js';
import type { ReplyCode } from '../protocol/reply-codes.js';
import { completeHandshake, secureServerSocket, type TlsSessionScope } from '../tls/secure-context-provider.js';

export interface ControlChannelEvents {
  onLine(event: LineEvent): void;
  onClose(hadError: boolean): void;
  onError(err: Error): void;
}

export class ControlChannel {
  private socket: Socket;
  private readonly reader: LineReader;
  private closed = false;
  private readonly onData = (chunk: Buffer) => {
    const events = this.reader.push(chunk);
    if (events.length > 1) this.holdReplies();
    for (const event of events) {
      if (this.closed || this.upgrading) return;
      this.events.onLine(event);
    }
  };
  /** The socket whose replies wait for the end of this event-loop turn (holdReplies). */
  private holding: Socket | undefined;
  /** Set between AUTH TLS's 234 and the end of the handshake: nothing read in clear may run. */
  private upgrading = false;

  constructor(
    socket: Socket,
    maxLineLength: number,
    private readonly events: ControlChannelEvents,
  ) {
    this.socket = socket;
    this.reader = new LineReader(maxLineLength);
    this.attach(socket);
  }

  get secure(): boolean {
    return this.socket instanceof tls.TLSSocket && this.socket.encrypted === true;
  }

  get tlsSocket(): tls.TLSSocket | undefined {
    return this.socket instanceof tls.TLSSocket ? this.socket : undefined;
  }

  get isClosed(): boolean {
    return this.closed;
  }

  get remoteAddress(): string {
    return this.socket.remoteAddress ?? '';
  }

  get localAddress(): string {
    return this.socket.localAddress ?? '';
  }

  /** Write one reply. Replies are small; the socket buffers them in order. */
  reply(code: ReplyCode, text: string | readonly string[]): void {
    if (this.closed) return;
    this.socket.write(formatReply(code, text));
  }

  /**
   * Reply (234) and wrap the socket in TLS. Plaintext already received behind the AUTH command is
   * discarded: a pipelined `AUTH TLS\r\nUSER x\r\n` must never run USER after the handshake
   * (CVE-2011-1575). Resolves when the handshake is done; rejects (and closes) when it fails.
   */
  upgradeToTls(code: ReplyCode, text: string, scope: TlsSessionScope, handshakeTimeoutMs: number): Promise<void> {
    this.upgrading = true;
    const raw = this.socket;
    raw.removeListener('data', this.onData);
    this.reader.reset();
    this.flushReplies(); // the clear-text replies before this one, then the 234, before TLS takes the socket
    raw.write(formatReply(code, text));
    const secure = secureServerSocket(raw, scope);
    this.socket = secure;
    return completeHandshake(secure, handshakeTimeoutMs, 'TLS handshake').then(
      () => {
        this.upgrading = false;
        this.reader.reset();
        this.attach(secure);
      },
      (err: Error) => {
        this.destroy();
        this.notifyClose(true);
        throw err;
      },
    );
  }

  /** Wrap an implicit-FTPS connection: TLS from the first byte. */
  static async acceptImplicit(raw: Socket, scope: TlsSessionScope, timeoutMs: number): Promise<tls.TLSSocket> {
    const secure = secureServerSocket(raw, scope);
    await completeHandshake(secure, timeoutMs, 'TLS handshake');
    return secure;
  }

  /** Send a last reply, then close gracefully (TLS close_notify, then FIN). */
  close(code?: ReplyCode, text?: string): void {
    if (this.closed) return;
    if (code !== undefined && text !== undefined) this.socket.write(formatReply(code, text));
    this.closed = true;
    this.socket.end();
    // A peer that never reads could hold the socket open: cap the goodbye.
    setTimeout(() => this.socket.destroy(), 5_000).unref();
  }

  destroy(): void {
    this.closed = true;
    this.socket.destroy();
  }

  /**
   * Commands pipelined in one read (lftp with ftp:sync-mode off sends several at once) get their
   * replies in one write, so one TLS record and one segment instead of one each: replies written in
   * this turn of the event loop wait for its end. A reply that waits for I/O (a transfer's 226, a
   * login's scrypt) comes in a later turn and goes alone, as does every reply to a command sent by
   * itself.
   */
  private holdReplies(): void {
    if (this.holding || this.closed) return;
    this.holding = this.socket;
    this.holding.cork();
    setImmediate(() => this.flushReplies());
  }

  private flushReplies(): void {
    const held = this.holding;
    this.holding = undefined;
    held?.uncork();
  }

  private attach(socket: Socket): void {
    socket.on('data', this.onData);
    socket.on('error', (err) => this.events.onError(err));
    socket.once('close', (hadError) => {
      if (socket !== this.socket) return; // the plain socket under a TLS wrapper
      this.notifyClose(hadError);
    });
  }

  private closeNotified = false;
  private notifyClose(hadError: boolean): void {
    this.closed = true;
    if (this.closeNotified) return;
    this.closeNotified = true;
    this.events.onClose(hadError);
  }
}
