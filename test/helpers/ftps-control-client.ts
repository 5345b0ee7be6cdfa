// A byte-level FTP client that speaks TLS the way interop tests need to see it: explicit AUTH TLS
// upgrade in place (RFC 4217 section 4), implicit FTPS, pipelined raw writes, and passive data
// transfers that may resume the control connection's TLS session (RFC 4217 section 10).
import net from 'node:net';
import tls from 'node:tls';
import { FtpReplyReader, type FtpReply } from './ftp-reply-reader.js';

export interface FtpsClientOptions {
  /** Per-reply and per-transfer wait limit, in ms (default 10,000). */
  timeoutMs?: number;
  /** TLS from the first byte (implicit FTPS). */
  implicit?: boolean;
  /** Extra client TLS options (maxVersion, ...); certificates are never verified (self-signed server). */
  tls?: tls.ConnectionOptions;
}

export interface DataTransferOptions {
  /** Wrap the data connection in TLS (after PROT P). */
  protect?: boolean;
  /** Offer the control connection's TLS session on the data connection (default true). */
  reuseSession?: boolean;
  /** Bytes to upload (STOR/APPE); without it the data connection is read to its end. */
  upload?: Buffer;
}

export interface DataTransferResult {
  /** The reply to the transfer command (150, or a refusal such as 521/425). */
  preliminary: FtpReply;
  /** The reply after the data connection closed (226, 425, 426...); undefined when refused up front. */
  final: FtpReply | undefined;
  data: Buffer;
  /** For protected transfers: whether the server resumed the offered TLS session. */
  sessionReused: boolean | undefined;
  dataError: Error | undefined;
}

/** An open passive data connection (FtpsControlClient.openData). */
export interface DataConnection {
  socket: net.Socket;
  /** Protected connections: settles once the client's side of the TLS handshake is done; rejects if it closes first. */
  secured: Promise<void>;
  /** Whether the server resumed the offered TLS session (undefined until the handshake is done, or in clear text). */
  readonly sessionReused: boolean | undefined;
  /** The first error on the connection. */
  readonly error: Error | undefined;
  /** Protected connections: how many new TLS sessions (tickets) the server has sent on it so far. */
  readonly tickets: number;
  /** Protected connections: how many tickets had arrived when the first data did (undefined before). */
  readonly ticketsBeforeData: number | undefined;
  /** Everything received, once the connection has closed. */
  received: Promise<Buffer>;
}

export class FtpsControlClient {
  greeting!: FtpReply;
  /** The latest TLS session ticket/state the server gave the control connection. */
  session: Buffer | undefined;
  private socket: net.Socket;
  private readonly replies: FtpReplyReader;
  private readonly onData = (chunk: Buffer) => this.replies.push(chunk);

  private constructor(
    socket: net.Socket,
    private readonly host: string,
    private readonly timeoutMs: number,
    private readonly tlsOptions: tls.ConnectionOptions,
  ) {
    this.socket = socket;
    this.replies = new FtpReplyReader(timeoutMs);
    this.attach(socket);
  }

  static async connect(host: string, port: number, options: FtpsClientOptions = {}): Promise<FtpsControlClient> {
    const tlsOptions: tls.ConnectionOptions = { rejectUnauthorized: false, ...options.tls };
    let socket: net.Socket;
    if (options.implicit) {
      const secure = tls.connect({ host, port, ...tlsOptions });
      await onceConnected(secure, 'secureConnect');
      socket = secure;
    } else {
      socket = net.connect({ host, port, noDelay: true });
      await onceConnected(socket, 'connect');
    }
    const client = new FtpsControlClient(socket, host, options.timeoutMs ?? 10_000, tlsOptions);
    if (socket instanceof tls.TLSSocket) client.trackSessions(socket);
    client.greeting = await client.read();
    return client;
  }

  get secure(): boolean {
    return this.socket instanceof tls.TLSSocket;
  }

  get tlsSocket(): tls.TLSSocket | undefined {
    return this.socket instanceof tls.TLSSocket ? this.socket : undefined;
  }

  /** Replies or bytes received but not read yet: after a 234 there must be none in clear text. */
  get unread(): number {
    return this.replies.unread;
  }

  /** Write one command line (CRLF added) and wait for its reply. */
  send(command: string): Promise<FtpReply> {
    this.write(command);
    return this.read();
  }

  /** Write one command line (CRLF added) without waiting. */
  write(command: string): void {
    this.writeRaw(`${command}\r\n`);
  }

  /** Write bytes as they are, e.g. several pipelined commands in one segment. */
  writeRaw(bytes: string | Buffer): void {
    this.socket.write(bytes);
  }

  /** The next reply not yet read (waits for it). */
  read(): Promise<FtpReply> {
    return this.replies.read();
  }

  /** AUTH <mechanism>, then the TLS handshake when the server agreed (234). Returns the AUTH reply. */
  async auth(mechanism = 'TLS'): Promise<FtpReply> {
    const reply = await this.send(`AUTH ${mechanism}`);
    if (reply.code === 234) await this.startTls();
    return reply;
  }

  /** Start the TLS handshake on the control connection now (the 234 must have been read). */
  async startTls(): Promise<tls.TLSSocket> {
    const raw = this.socket;
    raw.removeListener('data', this.onData);
    const secure = tls.connect({ socket: raw, ...this.tlsOptions });
    this.trackSessions(secure);
    await withTimeout(onceConnected(secure, 'secureConnect'), this.timeoutMs, 'TLS handshake');
    this.socket = secure;
    this.attach(secure);
    return secure;
  }

  /** USER and PASS; returns the last reply (230 on success). */
  async login(user: string, password: string): Promise<FtpReply> {
    const u = await this.send(`USER ${user}`);
    return u.code === 331 ? this.send(`PASS ${password}`) : u;
  }

  /** EPSV, then connect to the passive port: in TLS under `protect`, offering the control connection's session unless told not to. */
  async openData(options: Pick<DataTransferOptions, 'protect' | 'reuseSession'> = {}): Promise<DataConnection> {
    const epsv = await this.send('EPSV');
    const m = /\|\|\|(\d+)\|/.exec(epsv.text);
    if (epsv.code !== 229 || !m) throw new Error(`EPSV failed: ${epsv.text}`);
    const port = Number(m[1]);
    const socket: net.Socket = options.protect
      ? tls.connect({ host: this.host, port, ...this.tlsOptions, ...(options.reuseSession !== false && this.session ? { session: this.session } : {}) })
      : net.connect({ host: this.host, port });
    let sessionReused: boolean | undefined;
    let error: Error | undefined;
    let tickets = 0;
    socket.on('error', (err) => (error ??= err));
    socket.on('session', () => tickets++);
    const secured = new Promise<void>((resolve, reject) => {
      socket.once('secureConnect', () => {
        sessionReused = (socket as tls.TLSSocket).isSessionReused();
        resolve();
      });
      socket.once('close', () => reject(new Error('data connection closed before its TLS handshake')));
    });
    secured.catch(() => {}); // only protected connections are waited on
    const chunks: Buffer[] = [];
    let ticketsBeforeData: number | undefined;
    socket.on('data', (c: Buffer) => {
      ticketsBeforeData ??= tickets;
      chunks.push(c);
    });
    const received = new Promise<Buffer>((resolve) => socket.once('close', () => resolve(Buffer.concat(chunks))));
    return {
      socket,
      secured,
      received,
      get sessionReused() {
        return sessionReused;
      },
      get error() {
        return error;
      },
      get tickets() {
        return tickets;
      },
      get ticketsBeforeData() {
        return ticketsBeforeData;
      },
    };
  }

  /** EPSV, connect, send `command` and run the transfer to its final reply. */
  async transfer(command: string, options: DataTransferOptions = {}): Promise<DataTransferResult> {
    const data = await this.openData(options);
    try {
      this.write(command);
      const preliminary = await this.read();
      if (preliminary.code >= 200) return { preliminary, final: undefined, data: Buffer.alloc(0), sessionReused: data.sessionReused, dataError: data.error };
      if (options.upload) data.socket.end(options.upload);
      const received = await withTimeout(data.received, this.timeoutMs, 'data connection close');
      const final = await this.read();
      return { preliminary, final, data: received, sessionReused: data.sessionReused, dataError: data.error };
    } finally {
      data.socket.destroy();
    }
  }

  /** QUIT (best effort) and close. */
  async close(): Promise<void> {
    if (!this.replies.isEnded) {
      this.write('QUIT');
      await withTimeout(this.read(), 2_000, 'QUIT').catch(() => undefined);
    }
    this.socket.destroy();
  }

  destroy(): void {
    this.socket.destroy();
  }

  private trackSessions(secure: tls.TLSSocket): void {
    // TLS 1.3 tickets arrive after the handshake; the newest one is what a data connection offers.
    secure.on('session', (session: Buffer) => (this.session = session));
  }

  private attach(socket: net.Socket): void {
    socket.on('data', this.onData);
    socket.on('error', () => {}); // surfaced as 'close' below
    socket.once('close', () => {
      if (socket !== this.socket) return; // the plain socket under the TLS layer
      this.replies.end();
    });
  }
}

function onceConnected(socket: net.Socket, event: 'connect' | 'secureConnect'): Promise<void> {
  return new Promise((resolve, reject) => {
    const fail = (err: Error) => reject(err);
    socket.once('error', fail);
    socket.once(event, () => {
      socket.removeListener('error', fail);
      resolve();
    });
  });
}

/** `promise`, or a rejection naming `what` after `ms`. */
export function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer!: NodeJS.Timeout;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what}: nothing within ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
