// A minimal explicit-FTPS control connection (RFC 4217 section 4): greeting, AUTH TLS, upgrade,
// then commands and their (possibly multi-line, RFC 959 section 4.2) replies. No data connections.
import net from 'node:net';
import tls from 'node:tls';

export interface Reply {
  code: number;
  text: string;
}

export class FtpsControlSession {
  private socket: net.Socket;
  private buffer = '';
  private lines: string[] = [];
  private waiting: ((line: string | Error) => void) | undefined;
  private failure: Error | undefined;

  private constructor(socket: net.Socket, private readonly timeoutMs: number) {
    this.socket = socket;
    this.attach(socket);
  }

  static async open(port: number, timeoutMs: number): Promise<FtpsControlSession> {
    const socket = net.connect({ host: '127.0.0.1', port, noDelay: true });
    const session = new FtpsControlSession(socket, timeoutMs);
    await session.expect(220);
    await session.command('AUTH TLS', 234);
    socket.removeAllListeners('data');
    const secure = tls.connect({ socket, rejectUnauthorized: false });
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('TLS handshake timed out')), timeoutMs);
      secure.once('secureConnect', () => (clearTimeout(timer), resolve()));
      secure.once('error', (err) => (clearTimeout(timer), reject(err)));
    });
    session.socket = secure;
    session.attach(secure);
    return session;
  }

  /** Send a command and require the reply code. */
  async command(line: string, expected: number): Promise<Reply> {
    this.socket.write(`${line}\r\n`);
    return this.expect(expected);
  }

  close(): void {
    this.socket.destroy();
  }

  private attach(socket: net.Socket): void {
    // Decoded here rather than with setEncoding: the plain socket is handed to TLS afterwards.
    socket.on('data', (chunk: Buffer) => {
      this.buffer += chunk.toString('latin1');
      let end: number;
      while ((end = this.buffer.indexOf('\r\n')) >= 0) {
        this.lines.push(this.buffer.slice(0, end));
        this.buffer = this.buffer.slice(end + 2);
      }
      this.wake();
    });
    const fail = (err: Error) => {
      this.failure ??= err;
      this.wake();
    };
    socket.on('error', fail);
    socket.on('close', () => fail(new Error('connection closed')));
  }

  private wake(): void {
    const waiter = this.waiting;
    if (!waiter) return;
    if (this.lines.length > 0) {
      this.waiting = undefined;
      waiter(this.lines.shift()!);
    } else if (this.failure) {
      this.waiting = undefined;
      waiter(this.failure);
    }
  }

  private nextLine(): Promise<string> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiting = undefined;
        reject(new Error('reply timed out'));
      }, this.timeoutMs);
      this.waiting = (line) => {
        clearTimeout(timer);
        if (line instanceof Error) reject(line);
        else resolve(line);
      };
      this.wake();
    });
  }

  private async expect(expected: number): Promise<Reply> {
    const first = await this.nextLine();
    const code = Number(first.slice(0, 3));
    let text = first.slice(4);
    if (first[3] === '-') {
      // Multi-line reply: ends with the same code followed by a space. Bounded like everything else.
      for (let i = 0; i < 1000; i++) {
        const line = await this.nextLine();
        text += `\n${line}`;
        if (line.startsWith(`${code} `)) break;
      }
    }
    if (code !== expected) throw new Error(`expected ${expected}, got ${code} ${text.split('\n')[0]}`);
    return { code, text };
  }
}
