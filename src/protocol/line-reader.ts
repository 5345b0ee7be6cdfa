// Frames the control connection's byte stream into command lines (RFC 959 section 4.1.3: Telnet
// lines ending in CRLF). Keeps partial lines across chunks, strips Telnet IAC sequences (RFC 854),
// enforces a maximum line length and decodes UTF-8 (RFC 2640). Pure: no I/O, fed bytes, returns lines.

const LF = 0x0a;
const CR = 0x0d;
const IAC = 0xff;
const WILL = 0xfb;
const DONT = 0xfe;

export type LineEvent = { kind: 'line'; text: string } | { kind: 'too-long' };

const enum IacState {
  Data,
  Iac, // saw IAC
  Option, // saw IAC WILL/WONT/DO/DONT, next byte is the option
}

export class LineReader {
  private parts: Buffer[] = [];
  private partLength = 0;
  private overflowing = false;
  private iac = IacState.Data;
  private readonly decoder = new TextDecoder('utf-8', { fatal: false });

  constructor(private readonly maxLength: number) {}

  /** Bytes buffered for an unfinished line. */
  get pending(): number {
    return this.partLength;
  }

  /** Feed a chunk; returns the complete lines (and overflow events) it finished, in order. */
  push(chunk: Buffer): LineEvent[] {
    const events: LineEvent[] = [];
    const data = this.iac === IacState.Data && !chunk.includes(IAC) ? chunk : this.stripIac(chunk);
    let start = 0;
    while (start < data.length) {
      const lf = data.indexOf(LF, start);
      if (lf === -1) {
        this.append(data.subarray(start));
        break;
      }
      this.append(data.subarray(start, lf));
      events.push(this.finishLine());
      start = lf + 1;
    }
    return events;
  }

  /** Drop everything buffered (after AUTH TLS: plaintext sent behind it must never run). */
  reset(): void {
    this.parts = [];
    this.partLength = 0;
    this.overflowing = false;
    this.iac = IacState.Data;
  }

  private append(piece: Buffer): void {
    if (piece.length === 0 || this.overflowing) return;
    if (this.partLength + piece.length > this.maxLength) {
      // Stop buffering: the rest of this line is discarded up to its LF.
      this.overflowing = true;
      this.parts = [];
      this.partLength = 0;
      return;
    }
    this.parts.push(piece);
    this.partLength += piece.length;
  }

  private finishLine(): LineEvent {
    if (this.overflowing) {
      this.overflowing = false;
      return { kind: 'too-long' };
    }
    let line = this.parts.length === 1 ? this.parts[0]! : Buffer.concat(this.parts, this.partLength);
    this.parts = [];
    this.partLength = 0;
    if (line.length > 0 && line[line.length - 1] === CR) line = line.subarray(0, line.length - 1);
    return { kind: 'line', text: this.decoder.decode(line) };
  }

  /** Remove Telnet commands: IAC IAC is a literal 0xFF, IAC WILL/WONT/DO/DONT x and IAC x vanish. */
  private stripIac(chunk: Buffer): Buffer {
    const out = Buffer.allocUnsafe(chunk.length);
    let n = 0;
    for (const byte of chunk) {
      switch (this.iac) {
        case IacState.Data:
          if (byte === IAC) this.iac = IacState.Iac;
          else out[n++] = byte;
          break;
        case IacState.Iac:
          if (byte === IAC) {
            out[n++] = IAC;
            this.iac = IacState.Data;
          } else if (byte >= WILL && byte <= DONT) this.iac = IacState.Option;
          else this.iac = IacState.Data; // IP, DM, AO... carry no data
          break;
        case IacState.Option:
          this.iac = IacState.Data;
          break;
      }
    }
    return out.subarray(0, n);
  }
}
