// A minimal plain-TCP FTP client for tests that need what basic-ftp cannot do: ABOR mid-transfer,
// NUL bytes or pipelined commands on the wire, raw LIST text. Replies are parsed per RFC 959 4.2
// (multi-line "ddd-" ... "ddd "), queued in arrival order, and handed out one per read().
import net from 'node:net';

export interface FtpReply {
  code: number;
  /** The whole reply, lines joined with '\n', codes included (like basic-ftp's `message`). */
  text: string;
  lines: string[];
}

export interface RawConnectOptions {
  /** Per-reply wait limit, in ms (default 10,000). */
  timeoutMs?: number;
}

export class RawFtpClient {
  /** The 220 greeting (or whatever the server said first). */
  greeting!: FtpReply;
  private buffer = Buffer.alloc(0);
  private pendingLines: string[] = [];
  private readonly replies: FtpReply[] = [];
  private readonly waiters: { resolve(r: FtpReply): void; reject(e: Error): void; timer: NodeJS.Timeout }[] = [];
  private ended: Error | undefined;
  /** Resolves when the server (or we) closed the control connection. */
  readonly closed: Promise<void>;

  private constructor(
    readonly socket: net.Socket,
    private readonly timeoutMs: number,
  ) {
    let onClose!: () => void;
    this.closed = new Promise<void>((resolve) => (onClose = resolve));
    socket.on('data', (chunk: Buffer) => this.onData(chunk));
    socket.on('error', () => {}); // surfaced as 'close' below
    socket.on('close', () => {
      this.ended = new Error('control connection closed');
      for (const w of this.waiters.splice(0)) {
        clearTimeout(w.timer);
        w.reject(this.ended);
      }
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
    const ready = this.replies.shift();
    if (ready) return Promise.resolve(ready);
    if (this.ended) return Promise.reject(this.ended);
    return new Promise<FtpReply>((resolve, reject) => {
      const waiter = {
        resolve,
        reject,
        timer: setTimeout(() => {
          this.waiters.splice(this.waiters.indexOf(waiter), 1);
          reject(new Error(`no reply within ${this.timeoutMs} ms`));
        }, this.timeoutMs),
      };
      this.waiters.push(waiter);
    });
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
    if (!this.ended) {
      this.write('QUIT');
      setTimeout(() => this.socket.destroy(), 2_000).unref();
    }
    await this.closed;
  }

  destroy(): void {
    this.socket.destroy();
  }

  private onData(chunk: Buffer): void {
    this.buffer = Buffer.concat([this.buffer, chunk]);
    let lf: number;
    // Split on LF in bytes before decoding, so a UTF-8 character cut between chunks stays whole.
    while ((lf = this.buffer.indexOf(0x0a)) !== -1) {
      const line = this.buffer.subarray(0, lf).toString('utf8').replace(/\r$/, '');
      this.buffer = this.buffer.subarray(lf + 1);
      this.onLine(line);
    }
  }

  private onLine(line: string): void {
    this.pendingLines.push(line);
    const first = this.pendingLines[0]!;
    const code = first.slice(0, 3);
    const multi = /^\d{3}-/.test(first);
    // A multi-line reply ends at a line starting with the same code and a space (RFC 959 4.2).
    const done = multi ? this.pendingLines.length > 1 && line.startsWith(`${code} `) : true;
    if (!done) return;
    const lines = this.pendingLines;
    this.pendingLines = [];
    const reply: FtpReply = { code: Number(code), text: lines.join('\n'), lines };
    const waiter = this.waiters.shift();
    if (waiter) {
      clearTimeout(waiter.timer);
      waiter.resolve(reply);
    } else {
      this.replies.push(reply);
    }
  }
}

/** Everything a data socket sends until it ends. */
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
