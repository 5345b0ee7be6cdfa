// Turns the bytes a test client receives on a control connection into FTP replies (RFC 959 4.2:
// multi-line "ddd-" ... "ddd "), queued in arrival order and handed out one per read().
// Lines are split on raw bytes, so a UTF-8 character cut between chunks stays whole.

export interface FtpReply {
  code: number;
  /** The whole reply, lines joined with '\n', codes included (like basic-ftp's `message`). */
  text: string;
  lines: string[];
}

interface Waiter {
  resolve(reply: FtpReply): void;
  reject(err: Error): void;
  timer: NodeJS.Timeout;
}

export class FtpReplyReader {
  private buffer = Buffer.alloc(0);
  private pendingLines: string[] = [];
  private readonly replies: FtpReply[] = [];
  private readonly waiters: Waiter[] = [];
  private ended: Error | undefined;

  constructor(private readonly timeoutMs: number) {}

  /** Replies, lines or bytes received but not read yet. */
  get unread(): number {
    return this.replies.length + this.pendingLines.length + this.buffer.length;
  }

  get isEnded(): boolean {
    return this.ended !== undefined;
  }

  push(chunk: Buffer): void {
    this.buffer = Buffer.concat([this.buffer, chunk]);
    let lf: number;
    while ((lf = this.buffer.indexOf(0x0a)) !== -1) {
      const line = this.buffer.subarray(0, lf).toString('utf8').replace(/\r$/, '');
      this.buffer = this.buffer.subarray(lf + 1);
      this.pendingLines.push(line);
      const first = this.pendingLines[0]!;
      const code = first.slice(0, 3);
      // A multi-line reply ends at a line starting with the same code and a space.
      if (/^\d{3}-/.test(first) && !(this.pendingLines.length > 1 && line.startsWith(`${code} `))) continue;
      const lines = this.pendingLines;
      this.pendingLines = [];
      this.deliver({ code: Number(code), text: lines.join('\n'), lines });
    }
  }

  /** The connection closed: pending and future reads fail once the queue is empty. */
  end(err = new Error('control connection closed')): void {
    this.ended = err;
    for (const w of this.waiters.splice(0)) {
      clearTimeout(w.timer);
      w.reject(err);
    }
  }

  /** The next reply not yet read (waits for it, up to the timeout). */
  read(): Promise<FtpReply> {
    const ready = this.replies.shift();
    if (ready) return Promise.resolve(ready);
    if (this.ended) return Promise.reject(this.ended);
    return new Promise<FtpReply>((resolve, reject) => {
      const waiter: Waiter = {
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

  private deliver(reply: FtpReply): void {
    const waiter = this.waiters.shift();
    if (!waiter) return void this.replies.push(reply);
    clearTimeout(waiter.timer);
    waiter.resolve(reply);
  }
}
