// Writes the transfer log in the xferlog format ProFTPD, vsftpd and wu-ftpd share (xferlog(5)),
// so existing log analysers keep working: one line per upload or download.
import { createWriteStream, type WriteStream } from 'node:fs';
import type { TransferRecord } from '../session/session.js';

const DAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** "Wed Nov 25 12:15:20 2026" in local time, as ctime(3) prints it. */
function ctime(d: Date): string {
  const p = (n: number) => String(n).padStart(2, '0');
  return `${DAYS[d.getDay()]} ${MONTHS[d.getMonth()]} ${String(d.getDate()).padStart(2, ' ')} ${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())} ${d.getFullYear()}`;
}

export function formatXferlogLine(r: TransferRecord, at = new Date()): string {
  const seconds = Math.max(1, Math.round(r.durationMs / 1000));
  // Fields are space-separated: a space in a file name would shift every later field.
  const file = r.path.replace(/\s/g, '_');
  return [
    ctime(at),
    seconds,
    r.remoteAddress,
    r.bytes,
    file,
    r.type === 'A' ? 'a' : 'b',
    '_',
    r.direction === 'upload' ? 'i' : 'o',
    r.anonymous ? 'a' : 'r',
    r.user || '-',
    'ftp',
    0,
    '*',
    r.complete ? 'c' : 'i',
  ].join(' ') + '\n';
}

export class XferlogWriter {
  private readonly stream: WriteStream;

  constructor(file: string) {
    this.stream = createWriteStream(file, { flags: 'a', mode: 0o640 });
    this.stream.on('error', () => {}); // a broken log must not take the server down
  }

  write(record: TransferRecord): void {
    this.stream.write(formatXferlogLine(record));
  }

  close(): Promise<void> {
    return new Promise((resolve) => this.stream.end(resolve));
  }
}
