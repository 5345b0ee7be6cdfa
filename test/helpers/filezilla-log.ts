// Parses FileZilla's log file ("2026-11-25 13:01:46 21286 1 Status: Connecting to ...") into typed
// lines, and picks out the ones that mean trouble (Error:, Critical, GnuTLS errors).

export interface FileZillaLogLine {
  /** "Status", "Command", "Response", "Trace", "Listing", "Error", ... */
  type: string;
  /** FileZilla's engine id: 1 is the browsing connection, the queue's transfer connections follow. */
  engine: number;
  text: string;
  raw: string;
}

const LINE = /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d \d+ (\d+) ([A-Za-z][A-Za-z ]*?): ?(.*)$/;

export function parseFileZillaLog(log: string): FileZillaLogLine[] {
  const lines: FileZillaLogLine[] = [];
  for (const raw of log.split('\n')) {
    if (!raw.trim()) continue;
    const match = LINE.exec(raw);
    // A line FileZilla wrapped (a long message) continues the previous entry.
    if (!match) lines.push({ type: 'Continued', engine: lines.at(-1)?.engine ?? 0, text: raw, raw });
    else lines.push({ type: match[2] as string, engine: Number(match[1]), text: match[3] as string, raw });
  }
  return lines;
}

/**
 * Lines that must never appear in a clean session: "Error:" lines, anything "Critical" ("Critical error",
 * "Critical file transfer error") and any GnuTLS error, even one FileZilla only traces.
 * Listing lines are file names, not messages, so they are left out.
 */
export function fileZillaProblems(lines: FileZillaLogLine[]): FileZillaLogLine[] {
  return lines.filter((l) => l.type !== 'Listing' && (l.type === 'Error' || /\bcritical\b/i.test(l.raw) || /GnuTLS error/i.test(l.text)));
}

const TELLING_TRACE = /GnuTLS|alert|error|fail|resum|Handshake successful|shutdown/i;

/** The log without the Trace noise (but with TLS trouble and resumption traces), for failure messages. */
export function summarizeFileZillaLog(lines: FileZillaLogLine[], max = 120): string {
  const kept = lines.filter((l) => (l.type === 'Trace' ? TELLING_TRACE.test(l.text) : !(l.type === 'Response' && l.text.startsWith(' '))));
  return kept
    .slice(-max)
    .map((l) => l.raw)
    .join('\n');
}
