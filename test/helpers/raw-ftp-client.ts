// A minimal plain-TCP FTP client for tests that need what basic-ftp cannot do: ABOR mid-transfer,
// NUL bytes or pipelined commands on the wire, raw LIST text. Replies are parsed per RFC 959 4.2
// (multi-line "ddd-" ... "ddd "), queued in arrival order, and handed out one per read().
import net from 'node:net';

import { FtpReplyReader, type FtpReply } from './ftp-reply-reader.js';

export type { FtpReply };

export interface RawConnectOptions {
  /** Per-reply wait limit, in ms (default 10,000). */
  timeoutMs?: number;
}

export class RawFtpClient {
  /** The 220 greeting (or whatever the server said first). */
  greeting!: FtpReply;
  private readonly replies: FtpReplyReader;
  /** Resolves when the server (or we) closed the control connection. */
  readonly closed: Promise<void>;

  private constructor(
    readonly socket: net.Socket,
    timeoutMs: number,
  ) {
    this.replies = new FtpReplyReader(timeoutMs);
    let onClose!: () => void;
    this.closed = new Promise<void>((resolve) => (onClose = resolve));
    socket.on('data', (chunk: Buffer) => this.replies.push(chunk));
    socket.on('error', () => {}); // surfaced as 'close' below
    socket.on('close', () => {
      this.replies.end();
      onClose();
    });
  }

  /** Connect and read the greeting. */
  static async connect(host: string, port: number, options: RawConnectOptions = {}): Promise<RawFtpClient> {
    const socket = net.connect({ host, port, noDelay: true });
    await new Promise<void>((resolve, reject) => {
      socket.once('connect', resolve);
      socket.once('error', reject);
    });
    const client = new RawFtpClient(socket, options.timeoutMs ?? 10_000);
    client.greeting = await client.read();
    return client;
  }

  /** Connect, then USER/PASS; throws unless the login ends with 230. */
  static async login(host: string, port: number, user: string, password: string, options: RawConnectOptions = {}): Promise<RawFtpClient> {
    const client = await RawFtpClient.connect(host, port, options);
    const u = await client.send(`USER ${user}`);
    const p = u.code === 331 ? await client.send(`PASS ${password}`) : u;
    if (p.code !== 230) {
      client.destroy();
      throw new Error(`login failed: ${p.text}`);
    }
    return client;
  }

  /** Write one command line (CRLF added) and wait for the next reply. Accepts raw bytes (e.g. NUL). */
  send(command: string | Buffer): Promise<FtpReply> {
    this.write(command);
    return this.read();
  }

  /** Write one command line (CRLF added) without waiting; read its reply later with read(). */
  write(command: string | Buffer): void {
    const bytes = typeof command === 'string' ? Buffer.from(command, 'utf8') : command;
    this.socket.write(Buffer.concat([bytes, Buffer.from('\r\n')]));
  }

  /** The next reply not yet read (waits for it). */
  read(): Promise<FtpReply> {
    return this.replies.read();
  }

  /** PASV, then connect to the advertised port; resolves with the connected data socket. */
  async pasv(): Promise<net.Socket> {
    const reply = await this.send('PASV');
    const m = /(\d+),(\d+),(\d+),(\d+),(\d+),(\d+)/.exec(reply.text);
    if (reply.code !== 227 || !m) throw new Error(`PASV failed: ${reply.text}`);
    const host = m.slice(1, 5).join('.');
    const port = Number(m[5]) * 256 + Number(m[6]);
    const data = net.connect({ host, port });
    await new Promise<void>((resolve, reject) => {
      data.once('connect', resolve);
      data.once('error', reject);
    });
    data.on('error', () => {}); // tests destroy data sockets on purpose
    return data;
  }

  /** Send QUIT (best effort) and wait for the connection to close. */
  async close(): Promise<void> {
    if (!this.replies.isEnded) {
      this.write('QUIT');
      setTimeout(() => this.socket.destroy(), 2_000).unref();
    }
    await this.closed;
  }

  destroy(): void {
    this.socket.destroy();
  }
}

export function readAll(socket: net.Socket): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    socket.on('data', (c: Buffer) => chunks.push(c));
    socket.once('end', () => resolve(Buffer.concat(chunks)));
    socket.once('error', reject);
  });
}

/** Write `data` to a data socket and end it; resolves when it is flushed. */
export function writeAll(socket: net.Socket, data: Buffer | string): Promise<void> {
  return new Promise((resolve, reject) => {
    socket.once('error', reject);
    socket.end(data, () => resolve());
  });
}
